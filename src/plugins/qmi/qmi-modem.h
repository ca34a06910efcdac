/* The QMI plugin's backend: private declarations shared by qmi-modem*.c. */
#pragma once

#include "plugin-api.h"
#include "qmi-device.h"
#include "qmi-error.h"
#include "qmi-generated.h"
#include "qmi-helpers.h"

G_BEGIN_DECLS

typedef struct _QmiVoice QmiVoice;

#define MMD_TYPE_QMI_BACKEND (mmd_qmi_backend_get_type())
G_DECLARE_FINAL_TYPE(MmdQmiBackend, mmd_qmi_backend, MMD, QMI_BACKEND, MmdBackend)

/* Request timeouts, seconds */
#define QMI_TIMEOUT 10
#define QMI_TIMEOUT_OPEN 15
#define QMI_TIMEOUT_CONNECT 60
#define QMI_TIMEOUT_SCAN 180

struct _MmdQmiBackend {
  MmdBackend parent;
  char *control_path;
  char *net_iface;
  QmiDevice *device;
  gulong gone_id;
  GCancellable *cancellable; /* background work; cancelled on shutdown */
  QmiClient *dms, *nas, *wds, *uim;
  QmiClient *wds6; /* second WDS client: the IPv6 session of a dual-stack bearer */
  QmiClient *wda;  /* data format; allocated on the first connect that needs it */
  gboolean data_format_done;
  gboolean mux_format_done; /* QMAP set on an SoC modem (qmi-modem-mux.c) */
  char *mux_link;           /* the rmnet link of the session, while it is up */
  guint nas_ind_id, wds_ind_id, wds6_ind_id;

  /* what the modem reports by itself (qmi-modem-signal.c, -location.c,
   * -gps.c, -time.c): indication handlers, added once */
  guint signal_info_ind_id, event_report_ind_id, system_info_ind_id, network_time_ind_id;
  QmiClient *loc; /* the GPS engine, when the modem has LOC */
  guint loc_position_ind_id, loc_nmea_ind_id;
  char *network_time; /* the last NITZ, ISO 8601 */

  /* what we learned */
  guint supported_modes; /* MmdModemMode mask */
  guint preferred_mode;  /* last preferred mode we set */
  guint64 lte_bands;     /* supported E-UTRAN bands 1..64, bit n-1 = band n */
  char *iccid;
  char *imsi;

  gboolean online; /* operating mode at initialization */

  /* data session (one bearer at a time) */
  MmdBearer *bearer; /* weak pointer */
  GKeyFile *saved;   /* left by the previous run, until taken over */

  QmiVoice *voice; /* calls and USSD (qmi-modem-voice.c) */
};

/* Per-bearer data stored with mmd_bearer_set_backend_data(): the packet data
 * handles of the IPv4 session (on wds) and the IPv6 one (on wds6 for dual
 * stack, on wds for IPv6 only); 0 = none. */
typedef struct {
  guint32 handle4;
  guint32 handle6;
  QmiClient *client6;
} QmiBearerData;

MmdModem *qmi_backend_modem(MmdQmiBackend *self);
/* A task for an operation; NULL (with the callback already answered) when the
 * client needed is missing. */
GTask *qmi_backend_task(MmdQmiBackend *self, QmiClient *needed, const char *what,
                        GCancellable *cancellable, GAsyncReadyCallback callback,
                        gpointer user_data);

/* qmi-modem-sim.c */
void qmi_sim_load(MmdQmiBackend *self, GTask *task); /* completes task: boolean */
void qmi_sim_read_identity(MmdQmiBackend *self, guint attempts);
void qmi_backend_send_pin(MmdBackend *backend, const char *pin, GCancellable *cancellable,
                          GAsyncReadyCallback callback, gpointer user_data);
void qmi_backend_send_puk(MmdBackend *backend, const char *puk, const char *new_pin,
                          GCancellable *cancellable, GAsyncReadyCallback callback,
                          gpointer user_data);
void qmi_backend_enable_pin(MmdBackend *backend, const char *pin, gboolean enabled,
                            GCancellable *cancellable, GAsyncReadyCallback callback,
                            gpointer user_data);
void qmi_backend_change_pin(MmdBackend *backend, const char *old_pin, const char *new_pin,
                            GCancellable *cancellable, GAsyncReadyCallback callback,
                            gpointer user_data);

/* qmi-modem-net.c */
void qmi_net_setup(MmdQmiBackend *self);
void qmi_net_load_modes(MmdQmiBackend *self, GTask *task); /* completes task: boolean */
void qmi_backend_set_radio(MmdBackend *backend, gboolean on, GCancellable *cancellable,
                           GAsyncReadyCallback callback, gpointer user_data);
void qmi_backend_set_power_state(MmdBackend *backend, MmdModemPowerState state,
                                 GCancellable *cancellable, GAsyncReadyCallback callback,
                                 gpointer user_data);
void qmi_backend_register_network(MmdBackend *backend, const char *operator_id,
                                  GCancellable *cancellable, GAsyncReadyCallback callback,
                                  gpointer user_data);
void qmi_backend_scan(MmdBackend *backend, GCancellable *cancellable, GAsyncReadyCallback callback,
                      gpointer user_data);
void qmi_backend_set_current_modes(MmdBackend *backend, guint allowed, guint preferred,
                                   GCancellable *cancellable, GAsyncReadyCallback callback,
                                   gpointer user_data);
void qmi_backend_set_current_bands(MmdBackend *backend, const guint *bands, gsize n_bands,
                                   GCancellable *cancellable, GAsyncReadyCallback callback,
                                   gpointer user_data);
void qmi_net_report_supported_bands(MmdQmiBackend *self,
                                    const QmiDmsGetBandCapabilitiesOutput *out);
void qmi_backend_reset(MmdBackend *backend, GCancellable *cancellable, GAsyncReadyCallback callback,
                       gpointer user_data);

/* qmi-modem-signal.c: quality and values from Get Signal Info, and as
 * indications once set up (Config Signal Info, or Set Event Report on older
 * firmware) */
void qmi_backend_refresh_signal(MmdBackend *backend, GCancellable *cancellable,
                                GAsyncReadyCallback callback, gpointer user_data);
void qmi_backend_setup_signal_events(MmdBackend *backend, guint rssi_threshold,
                                     GCancellable *cancellable, GAsyncReadyCallback callback,
                                     gpointer user_data);

/* qmi-modem-location.c: the serving cell from NAS System Info; the location
 * capabilities. Called once NAS is allocated. */
void qmi_location_setup(MmdQmiBackend *self);

/* qmi-modem-gps.c: the GPS engine over LOC, allocated in the background */
void qmi_gps_setup(MmdQmiBackend *self);
void qmi_backend_setup_gps(MmdBackend *backend, guint sources, GCancellable *cancellable,
                           GAsyncReadyCallback callback, gpointer user_data);

/* qmi-modem-time.c: NITZ from NAS Network Time indications; Get Network Time */
void qmi_time_setup(MmdQmiBackend *self);
void qmi_backend_get_network_time(MmdBackend *backend, GCancellable *cancellable,
                                  GAsyncReadyCallback callback, gpointer user_data);

/* qmi-modem-cell-info.c: NAS Get Cell Location Info as Modem.GetCellInfo's cells */
void qmi_backend_get_cell_info(MmdBackend *backend, GCancellable *cancellable,
                               GAsyncReadyCallback callback, gpointer user_data);

/* qmi-modem-data.c */
void qmi_data_setup(MmdQmiBackend *self);
/* The bearer's sessions are these handles (0 = none), the IPv6 one on
 * client6; their end is reported through the WDS indications. */
void qmi_data_follow_bearer(MmdQmiBackend *self, MmdBearer *bearer, guint32 handle4,
                            guint32 handle6, QmiClient *client6);
/* Stops a session without waiting for the answer; nothing for handle 0. */
void qmi_data_stop_quietly(QmiClient *client, guint32 handle);
/* Looked up when needed: the net port may show up after the modem. */
const char *qmi_data_net_interface(MmdQmiBackend *self);

/* One data session as Get Current Settings describes it. */
typedef struct {
  gboolean up;
  guint32 handle;
  MmdBearerIpMethod method;
  guint prefix;
  guint mtu;
  char *address;
  char *gateway;
  char *dns[2];
} QmiSessionResult;

/* family: 4 or 6; out NULL leaves the host to DHCP */
void qmi_session_result_fill(QmiSessionResult *r, guint8 family,
                             const QmiWdsGetCurrentSettingsOutput *out);
/* ip borrows r's strings */
void qmi_session_result_to_config(const QmiSessionResult *r, MmdIpConfig *ip);
void qmi_session_result_clear(QmiSessionResult *r);
void qmi_backend_connect(MmdBackend *backend, MmdBearer *bearer, GCancellable *cancellable,
                         GAsyncReadyCallback callback, gpointer user_data);
void qmi_backend_disconnect(MmdBackend *backend, MmdBearer *bearer, GCancellable *cancellable,
                            GAsyncReadyCallback callback, gpointer user_data);

/* qmi-modem-adopt.c: the data session a previous run left up (state saved
 * on shutdown): taken over when it is still up, torn down when it cannot
 * be. Completes task with TRUE unless cancelled. */
void qmi_adopt_session(MmdQmiBackend *self, GTask *task);
void qmi_adopt_save_session(MmdQmiBackend *self);

/* qmi-modem-wda.c: before the first connect, agree with the modem and the
 * qmi_wwan driver on the net port's framing (raw IP where both support it).
 * Completes task with TRUE unless cancelled: a modem without WDA keeps the
 * driver's 802.3 framing. */
void qmi_data_format_setup(MmdQmiBackend *self, const char *iface, GTask *task);

/* qmi-modem-wms.c: messaging over WMS, whose client is allocated on first
 * use (not during initialization); qmi-modem-cbs.c: cell broadcast on the
 * same client. Both are provided during initialization, when the modem has
 * the WMS service. */
void qmi_wms_setup(MmdQmiBackend *self);
QmiClient *qmi_wms_client(MmdQmiBackend *self);
/* A task for an operation on WMS; NULL (callback answered) when the port is
 * closed. step(task) runs once the client is allocated, or the task fails. */
typedef void (*QmiWmsStep)(GTask *task);
GTask *qmi_wms_task(MmdBackend *backend, const char *what, GCancellable *cancellable,
                    GAsyncReadyCallback callback, gpointer user_data);
void qmi_wms_with_client(GTask *task, QmiWmsStep step);
/* WMS Set Event Report: new messages and broadcast pages are indicated. */
void qmi_wms_enable_events(MmdQmiBackend *self, GCancellable *cancellable,
                           GAsyncReadyCallback callback, gpointer user_data);
extern const MmdCellBroadcastOps qmi_cell_broadcast_ops;

/* qmi-modem-voice.c, qmi-modem-ussd.c: the VOICE client is allocated in the
 * background once the modem is initialized (no step of the init sequence). */
void qmi_voice_setup(MmdQmiBackend *self);
/* Completes task (boolean) once the set-up is over, so that the modem is
 * quiet when its initialization ends. */
void qmi_voice_when_set_up(MmdQmiBackend *self, GTask *task);
void qmi_voice_shutdown(MmdQmiBackend *self);
extern const MmdVoiceOps qmi_voice_ops;
extern const MmdUssdOps qmi_ussd_ops;

/* qmi-modem-mux.c: the data path of SoC modems (QRTR), whose net port (IPA)
 * carries QMAP. qmi_mux_applies: whether iface is such a port.
 * qmi_mux_prepare: QMAP on the modem (once), the session's WDS clients (wds6
 * may be NULL) bound to its mux id and the rmnet link made (self->mux_link);
 * completes task with a boolean. qmi_mux_release: the link goes. */
gboolean qmi_mux_applies(MmdQmiBackend *self, const char *iface);
void qmi_mux_prepare(MmdQmiBackend *self, const char *iface, QmiClient *wds, QmiClient *wds6,
                     GTask *task);
void qmi_mux_release(MmdQmiBackend *self);

G_END_DECLS
