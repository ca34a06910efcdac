/* What a netifd protocol handler asks of modemctl (--netifd-up), and the error codes it gets
 * back.
 *
 * The handler passes its uci options as one "key=value,..." string; these are pure helpers
 * (no D-Bus traffic), unit-tested in test-netifd-request.c. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define NETIFD_DEFAULT_WAIT_SECONDS 30
#define NETIFD_MAX_WAIT_SECONDS 3600

typedef struct {
  char *device;         /* modem path or index, Device property, or a port name */
  guint wait_seconds;   /* for modemd, the modem and its initialization */
  char *pin;            /* NULL: none configured */
  gboolean set_modes;   /* allowed-modes given */
  guint allowed_modes;  /* MMD_MODEM_MODE_* flags */
  guint preferred_mode; /* MMD_MODEM_MODE_NONE when not given */
  GVariant *connect;    /* a{sv} for Simple.Connect, without the PIN */
} NetifdRequest;

void netifd_request_free(NetifdRequest *request);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(NetifdRequest, netifd_request_free)

/* Keys: device (required), wait, pin, allowed-modes, preferred-mode, and those of
 * --simple-connect without pin (apn, ip-type, allowed-auth, user, password, allow-roaming,
 * operator-id). Empty values count as not given, since uci options are often left empty. */
NetifdRequest *netifd_request_parse(const char *str, GError **error);

/* Whether the handler's device names this modem: its object path (or index), its Device
 * property, or one of its ports (by name; "/dev/NAME" also matches). ports is a(su). */
gboolean netifd_device_matches(const char *device, const char *modem_path, const char *modem_device,
                               GVariant *ports);

/* Short error codes for proto_notify_error. */
typedef enum {
  NETIFD_ERROR_INVALID_SETTINGS,
  NETIFD_ERROR_NO_DAEMON,
  NETIFD_ERROR_NO_MODEM,
  NETIFD_ERROR_MODEM_FAILED,
  NETIFD_ERROR_SIM_MISSING,
  NETIFD_ERROR_SIM_FAILED,
  NETIFD_ERROR_PIN_REQUIRED,
  NETIFD_ERROR_PIN_WRONG,
  NETIFD_ERROR_PIN_LAST_ATTEMPT,
  NETIFD_ERROR_PUK_REQUIRED,
  NETIFD_ERROR_SIM_LOCKED,
  NETIFD_ERROR_MODES_FAILED,
  NETIFD_ERROR_NO_NETWORK,
  NETIFD_ERROR_CONNECT_FAILED,
  NETIFD_ERROR_NO_IP_CONFIG,
} NetifdError;

const char *netifd_error_code(NetifdError error);
/* FALSE for errors that another attempt cannot fix or would make worse (a wrong PIN
 * retried locks the SIM with its PUK): the handler blocks netifd's restarts. */
gboolean netifd_error_is_retryable(NetifdError error);

G_END_DECLS
