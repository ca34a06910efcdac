/* The QMI plugin's backend: private declarations shared by qmi-modem*.c. */
#pragma once

#include "plugin-api.h"
#include "qmi-band-mask.h"
#include "qmi-device.h"
#include "qmi-error.h"
#include "qmi-generated.h"
#include "qmi-helpers.h"
#include "qmi-session.h"

G_BEGIN_DECLS

/* What the modem and the driver agreed on for the data port. */
typedef enum {
  QMI_DATA_FORMAT_UNSET,
  QMI_DATA_FORMAT_PLAIN, /* raw IP, or 802.3 where that is all there is */
  QMI_DATA_FORMAT_QMAP,  /* raw IP in QMAP aggregates: multiplexed sessions */
} QmiDataFormat;

/* Where the data port sits, as WDA and WDS Bind Mux Data Port name it. */
typedef struct {
  guint32 type; /* QMI data endpoint type: HSUSB, PCIe, embedded */
  guint32 interface_number;
} QmiEndpoint;

typedef struct _QmiMultiplexSession QmiMultiplexSession;

/* The registration as Serving System reported it last. */
typedef struct {
  gboolean known;
  MmdModem3gppRegistrationState state;
  char *code;
  char *name;
  guint techs;
} QmiServingRegistration;
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
  QmiDataFormat data_format;
  GPtrArray *multiplex_sessions; /* QmiMultiplexSession, weak: owned by their bearers */
  guint nas_ind_id, wds_ind_id, wds6_ind_id;
  guint nr5g_ind_id; /* System Info for 5G (qmi-modem-nr5g.c) */
  QmiServingRegistration serving;
  guint nr5g_techs; /* 5GNR that System Info adds (NSA, SA) */

  /* what the modem reports by itself (qmi-modem-signal.c, -location.c,
   * -gps.c, -time.c): indication handlers, added once */
  guint signal_info_ind_id, event_report_ind_id, system_info_ind_id, network_time_ind_id;
  QmiClient *loc; /* the GPS engine, when the modem has LOC */
  guint loc_position_ind_id, loc_nmea_ind_id;
  char *network_time; /* the last NITZ, ISO 8601 */

  /* what we learned */
  guint supported_modes; /* MmdModemMode mask */
  guint preferred_mode;  /* last preferred mode we set */
  QmiBandMask supported_bands;
  gboolean extended_lte_bands; /* the modem takes the extended LTE band mask */
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
/* Set System Selection Preference answered; "no effect" is success. */
gboolean qmi_net_set_selection_preference_finish(MmdQmiBackend *self, GAsyncResult *res,
                                                 GError **error);
void qmi_backend_reset(MmdBackend *backend, GCancellable *cancellable, GAsyncReadyCallback callback,
                       gpointer user_data);

/* qmi-modem-nr5g.c: 5G NSA and SA in the access technologies */
void qmi_nr5g_setup(MmdQmiBackend *self);
void qmi_nr5g_refresh(MmdQmiBackend *self);
void qmi_nr5g_report_registration(MmdQmiBackend *self, MmdModem3gppRegistrationState state,
                                  const char *code, const char *name, guint techs);
void qmi_nr5g_clear(MmdQmiBackend *self);

/* qmi-modem-bands.c: E-UTRAN and NR bands */
void qmi_bands_report_supported(MmdQmiBackend *self, const QmiDmsGetBandCapabilitiesOutput *out);
void qmi_bands_report_current(MmdQmiBackend *self,
                              const QmiNasGetSystemSelectionPreferenceOutput *out);
void qmi_backend_set_current_bands(MmdBackend *backend, const guint *bands, gsize n_bands,
                                   GCancellable *cancellable, GAsyncReadyCallback callback,
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
/* Looked up when needed: the net port may show up after the modem. */
const char *qmi_data_net_interface(MmdQmiBackend *self);
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
/* QMAP aggregation for multiplexed sessions (qmi_wwan in raw IP), QMAPv5
 * where the port offloads MAPv5 checksums. Completes task with TRUE, or an
 * error when the modem has no WDA or refuses QMAP. */
void qmi_data_format_setup_qmap(MmdQmiBackend *self, const char *iface, const QmiEndpoint *endpoint,
                                gboolean qmap_v5, GTask *task);
/* Whether the net port is qmi_wwan's (its qmi/ attributes exist). */
gboolean qmi_data_port_is_qmi_wwan(const char *iface);

/* qmi-modem-multiplex.c: multiplexed sessions, one link and mux id each */
#define QMI_MULTIPLEX_MAX 4
/* How many multiplexed sessions the net port can carry: on qmi_wwan,
 * mhi_net and an SoC's IPA ports QMI_MULTIPLEX_MAX, else 0; reported as the
 * modem's limits. */
void qmi_multiplex_report_limits(MmdQmiBackend *self);
/* Whether bearer's session is one of this file's: a multiplexed bearer, or
 * any bearer of an SoC modem (QRTR) with a data port, which carries only
 * QMAP (its plain session rides on a link of its own too). */
gboolean qmi_multiplex_carries(MmdQmiBackend *self, MmdBearer *bearer);
void qmi_multiplex_connect(MmdQmiBackend *self, MmdBearer *bearer, GCancellable *cancellable,
                           GAsyncReadyCallback callback, gpointer user_data);
void qmi_multiplex_disconnect(MmdQmiBackend *self, MmdBearer *bearer, GCancellable *cancellable,
                              GAsyncReadyCallback callback, gpointer user_data);
/* The daemon stops: multiplexed sessions end with it (the next run takes
 * over only the plain session, qmi-modem-adopt.c). Their links go here;
 * closing the device releases their clients, which ends their calls. */
void qmi_multiplex_end_sessions(MmdQmiBackend *self);

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

G_END_DECLS
