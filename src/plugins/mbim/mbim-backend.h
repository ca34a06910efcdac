/* The MBIM plugin's backend, shared by mbim-backend*.c: a modem driven over
 * its MBIM control port with BASIC_CONNECT, reporting what it learns through
 * the core setters. One file per capability. */
#pragma once

#include "mbim-device.h"
#include "mbim-generated.h"
#include "mmd-errors.h"
#include "plugin-api.h"

#define OPEN_TIMEOUT_S 5
#define CMD_TIMEOUT_S 10
#define SCAN_TIMEOUT_S 120
#define CONNECT_TIMEOUT_S 60

/* MBIM values used here (BASIC_CONNECT) */
enum {
  READY_NOT_INITIALIZED = 0,
  READY_INITIALIZED = 1,
  READY_SIM_NOT_INSERTED = 2,
  READY_BAD_SIM = 3,
  READY_FAILURE = 4,
  READY_NOT_ACTIVATED = 5,
  READY_DEVICE_LOCKED = 6
};
enum { PIN_TYPE_NONE = 0, PIN_TYPE_PIN1 = 2, PIN_TYPE_PUK1 = 11 };
enum { PIN_OP_ENTER = 0, PIN_OP_ENABLE = 1, PIN_OP_DISABLE = 2, PIN_OP_CHANGE = 3 };
enum { PIN_STATE_UNLOCKED = 0, PIN_STATE_LOCKED = 1 };
enum { ACTIVATION_ACTIVATED = 1, ACTIVATION_DEACTIVATED = 3 };
enum { PROVIDER_STATE_FORBIDDEN = 0x2, PROVIDER_STATE_REGISTERED = 0x10 };
enum {
  DATA_CLASS_GPRS = 0x1,
  DATA_CLASS_EDGE = 0x2,
  DATA_CLASS_UMTS = 0x4,
  DATA_CLASS_HSDPA = 0x8,
  DATA_CLASS_HSUPA = 0x10,
  DATA_CLASS_LTE = 0x20,
  DATA_CLASS_5G_NSA = 0x40,
  DATA_CLASS_5G_SA = 0x80
};
/* Session ids map to net devices: 0 is the net port itself, the others are
 * multiplexed on links of their own (mbim-backend-mux.c). */
#define MAX_SESSIONS 8

typedef struct _MbimQmi MbimQmi;

#define MMD_TYPE_MBIM_BACKEND (mmd_mbim_backend_get_type())
G_DECLARE_FINAL_TYPE(MmdMbimBackend, mmd_mbim_backend, MMD, MBIM_BACKEND, MmdBackend)

struct _MmdMbimBackend {
  MmdBackend parent;
  char *control_path;
  char *net_name;
  MbimDevice *device;
  gulong indication_id;
  gulong gone_id;
  GCancellable *cancellable; /* background work; cancelled on shutdown */
  MbimQmi *qmi;              /* QMI carried in MBIM, when the function has it */
  gboolean radio_on;
  guint access_tech;
  guint16 mbimex;           /* MBIM extensions version in use (BCD), 0: none */
  guint32 data_classes;     /* what Device Caps says the modem can do */
  guint allowed_modes;      /* MmdModemMode in force */
  gboolean modes_elsewhere; /* a vendor backend sets and reports them */
  char *iccid;
  char *imsi;
  MmdBearer *sessions[MAX_SESSIONS]; /* weak */
  char *links[MAX_SESSIONS];         /* of the multiplexed sessions */
  /* May be up on the modem with no bearer following it (an activation whose
   * answer was lost, a failed connection not ended): the next activation of
   * the session deactivates it first. */
  gboolean session_unsure[MAX_SESSIONS];
  char *serving_plmn; /* MCCMNC while registered: the cell's network (mbim-backend-location.c) */
};

static inline MmdModem *
modem_of(MmdMbimBackend *self)
{
  return mmd_backend_get_modem(MMD_BACKEND(self));
}
G_BEGIN_DECLS

/* mbim-backend.c */
MbimDevice *mbim_device_of(GTask *task);
gboolean mbim_failed(GTask *task, gconstpointer answer, const GError *error);
const char *mbim_net_interface(MmdMbimBackend *self);
void mbim_return_error(GTask *task, const GError *e);

/* mbim-backend-init.c */
void mbim_initialize(MmdBackend *backend, GCancellable *cancellable, GAsyncReadyCallback callback,
                     gpointer user_data);
void mbim_query_home_provider(GTask *task);
/* buf/len: the message's raw buffer where there is one (2.0 adds to it). */
void mbim_report_registration(MmdMbimBackend *self, const MbimRegistrationStateInfo *f,
                              const guint8 *buf, gsize len);
void mbim_report_device_caps(MmdMbimBackend *self, const MbimDeviceCapsInfo *f);
void mbim_report_signal(MmdMbimBackend *self, const MbimSignalStateInfo *f);
void mbim_report_sim(MmdMbimBackend *self, const MbimSubscriberReadyInfo *f);
void mbim_report_packet_service(MmdMbimBackend *self, const MbimPacketServiceInfo *f);

/* mbim-backend-ex.c: MBIM extensions */
void mbim_ex_negotiate(MmdMbimBackend *self, GTask *task); /* completes task: boolean */
gboolean mbim_ex_v2(MmdMbimBackend *self);
void mbim_ex_query_device_caps(MmdMbimBackend *self, GTask *task); /* completes task */
guint32 mbim_ex_preferred_data_classes(MmdMbimBackend *self, const guint8 *buf, gsize len);
void mbim_ex_report_signal(MmdMbimBackend *self, const guint8 *buf, gsize len);
void mbim_ex_refresh_signal(MmdMbimBackend *self, GTask *task); /* completes task */

/* mbim-backend-mux.c: links of multiplexed sessions */
void mbim_mux_report_limits(MmdMbimBackend *self, guint32 max_sessions);
char *mbim_mux_add_link(MmdMbimBackend *self, guint32 session, GError **error);
void mbim_mux_remove_link(const char *link);
/* The daemon stops: the next run takes over session 0 only
 * (mbim-backend-adopt.c), so the multiplexed sessions end here, deactivated
 * without waiting for the answer (the port closes next), their links removed. */
void mbim_mux_end_sessions(MmdMbimBackend *self);

/* mbim-backend-modes.c */
guint mbim_modes_from_data_classes(guint32 data_classes);
void mbim_modes_report_supported(MmdMbimBackend *self, guint32 data_classes);
void mbim_modes_report_current(MmdMbimBackend *self, guint32 preferred_data_classes);
void mbim_set_current_modes(MmdBackend *backend, guint allowed, guint preferred,
                            GCancellable *cancellable, GAsyncReadyCallback callback,
                            gpointer user_data);

/* mbim-backend-qmi.c: QMI carried in MBIM (bands); without QMI support in
 * the build, none of this is there. */
#ifdef MMD_MBIM_WITH_QMI
void mbim_qmi_start(MmdMbimBackend *self);
void mbim_qmi_indication(MmdMbimBackend *self, const MbimNotification *n);
void mbim_qmi_stop(MmdMbimBackend *self);
void mbim_set_current_bands(MmdBackend *backend, const guint *bands, gsize n_bands,
                            GCancellable *cancellable, GAsyncReadyCallback callback,
                            gpointer user_data);
#endif

/* mbim-backend-sim.c */
void mbim_change_pin(MmdBackend *backend, const char *old_pin, const char *new_pin,
                     GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);
void mbim_enable_pin(MmdBackend *backend, const char *pin, gboolean enabled,
                     GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);
void mbim_send_pin(MmdBackend *backend, const char *pin, GCancellable *cancellable,
                   GAsyncReadyCallback callback, gpointer user_data);
void mbim_send_puk(MmdBackend *backend, const char *puk, const char *new_pin,
                   GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);

/* mbim-backend-net.c */
void mbim_refresh_signal(MmdBackend *backend, GCancellable *cancellable,
                         GAsyncReadyCallback callback, gpointer user_data);
void mbim_register_network(MmdBackend *backend, const char *operator_id, GCancellable *cancellable,
                           GAsyncReadyCallback callback, gpointer user_data);
void mbim_scan(MmdBackend *backend, GCancellable *cancellable, GAsyncReadyCallback callback,
               gpointer user_data);
void mbim_set_radio(MmdBackend *backend, gboolean on, GCancellable *cancellable,
                    GAsyncReadyCallback callback, gpointer user_data);

/* mbim-backend-signal.c: Signal State set with the client's RSSI threshold;
 * the notifications then carry every change */
void mbim_setup_signal_events(MmdBackend *backend, guint rssi_threshold, GCancellable *cancellable,
                              GAsyncReadyCallback callback, gpointer user_data);

/* mbim-backend-location.c: the serving cell (MS Basic Connect Extensions
 * Location Info Status) on registration and as notified */
void mbim_location_attach(MmdMbimBackend *self);
void mbim_location_registration(MmdMbimBackend *self, const MbimRegistrationStateInfo *f);

/* mbim-backend-time.c: NITZ (MS Voice Extensions) as notified, and queried */
void mbim_time_attach(MmdMbimBackend *self);
void mbim_get_network_time(MmdBackend *backend, GCancellable *cancellable,
                           GAsyncReadyCallback callback, gpointer user_data);

/* mbim-backend-data.c */
void mbim_connect(MmdBackend *backend, MmdBearer *bearer, GCancellable *cancellable,
                  GAsyncReadyCallback callback, gpointer user_data);
void mbim_disconnect(MmdBackend *backend, MmdBearer *bearer, GCancellable *cancellable,
                     GAsyncReadyCallback callback, gpointer user_data);
/* A session's IP configuration as the core takes it (strings kept in texts);
 * no static settings make IPv4 by DHCP. */
void mbim_session_ip_config(const MbimIpConfigurationInfo *f, GPtrArray *texts, MmdIpConfig *ip4,
                            gboolean *have4, MmdIpConfig *ip6, gboolean *have6);
/* The bearer is session's, until the bearer goes or the network ends it. */
void mbim_follow_session(MmdMbimBackend *self, guint32 session, MmdBearer *bearer);

/* mbim-backend-adopt.c: a data session found up at initialization (left by
 * a previous run) becomes a connected bearer; task completes with TRUE
 * unless cancelled. On shutdown, what the next run needs is saved. */
void mbim_adopt_session(MmdMbimBackend *self, GTask *task);
void mbim_adopt_save_session(MmdMbimBackend *self);

/* mbim-backend-sms.c: messaging over the SMS service */
extern const MmdMessagingOps mbim_messaging_ops;
/* mbim-backend-ussd.c */
extern const MmdUssdOps mbim_ussd_ops;
void mbim_ussd_notification(MmdMbimBackend *self, const MbimUssdInfo *info);

G_END_DECLS
