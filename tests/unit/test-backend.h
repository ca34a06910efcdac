/* A real MmdBackend for core tests, driven by the test: every operation of
 * every capability is recorded, and answers as scripted — at once with
 * success or an error, or held until the test completes it. Initialization
 * reports a modem with a SIM (locked if asked) that registers as soon as its
 * radio is on. */
#pragma once

#include "plugin-api.h"

G_BEGIN_DECLS

#define TEST_TYPE_BACKEND (test_backend_get_type())
G_DECLARE_FINAL_TYPE(TestBackend, test_backend, TEST, BACKEND, MmdBackend)

typedef enum {
  TEST_CAP_MODEM = 1 << 0,
  TEST_CAP_SIM = 1 << 1,
  TEST_CAP_NETWORK = 1 << 2,
  TEST_CAP_SIGNAL = 1 << 3,
  TEST_CAP_BEARERS = 1 << 4,
  TEST_CAP_ALL = 0x1f,
  /* Not in ALL: the tests of the other rooms do not expect their operations. */
  TEST_CAP_MESSAGING = 1 << 5,
  /* Time, location (3GPP, GPS raw and NMEA), cell broadcast, signal events. */
  TEST_CAP_EVENTS = 1 << 6,
  /* Voice calls and USSD. */
  TEST_CAP_VOICE = 1 << 7,
} TestCaps;

typedef struct {
  TestCaps caps;              /* capabilities whose operations are provided */
  gboolean pin_locked;        /* the SIM asks for PIN 1234 */
  gboolean no_disconnect;     /* bearers can connect but not disconnect */
  gboolean register_on_radio; /* registration follows radio on at once */
  gboolean signal_events_fail;
} TestBackendConfig;

/* The plugin that creates test backends; set its configuration before
 * creating a modem. */
extern const MmdPlugin test_plugin;
extern TestBackendConfig test_backend_config;
/* The backend test_plugin created last. */
TestBackend *test_backend_last(void);

/* op: "initialize", "send_pin", "set_radio", "connect", ... */
void test_backend_fail(TestBackend *self, const char *op, GError *error);
void test_backend_hold(TestBackend *self, const char *op);
/* The task of a held operation (NULL if none is waiting); complete it with
 * test_backend_release(). */
gboolean test_backend_has_held(TestBackend *self, const char *op);
void test_backend_release(TestBackend *self, const char *op, GError *error);
/* The operations called so far, in order, e.g. "send_pin,set_radio(on),connect". */
const char *test_backend_calls(TestBackend *self);
void test_backend_clear_calls(TestBackend *self);
/* How often the core asked for signal values (not in the calls). */
guint test_backend_refreshes(TestBackend *self);

/* SMS storage: what load gives, what send, store and delete did. Send
 * answers message references 42, 43, ... */
void test_backend_sms_put(TestBackend *self, MmdSmsStorage storage, guint index,
                          MmdSmsRecordState state, const char *pdu_hex);
/* The PDUs sent so far (hex, with SMSC field), in order. */
GPtrArray *test_backend_sms_sent(TestBackend *self);
/* Whether a record is in storage at index. */
gboolean test_backend_sms_has(TestBackend *self, MmdSmsStorage storage, guint index);
/* Voice: dial answers call ids 1, 2, ...; call_waiting_query answers what
 * call_waiting_setup set last (off at first). USSD: initiate answers "*111#"
 * with a menu that needs a response, anything else with a notification;
 * respond ends the menu with a notification. A held dial is released with
 * the id it answers. */
void test_backend_release_int(TestBackend *self, const char *op, gssize value);

/* Bytes of a hex string (spaces ignored). */
GBytes *test_hex_bytes(const char *hex);

G_END_DECLS
