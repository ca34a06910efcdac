/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * modem-sim: protocol-independent core.
 *
 * The core owns the scripted "world" (SIM card, radio, network registration,
 * signal, data sessions), the link to the peer (pty or inherited fd), fault
 * injection and the control socket.  A protocol module (sim-qmi.c,
 * sim-mbim.c, sim-at.c) turns bytes from the link into requests, calls into
 * the core to change or read state, and gets told about spontaneous changes
 * so it can send indications.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _SimCore SimCore;
typedef struct _SimControl SimControl;

/* ---- configuration (from the command line) ---- */

typedef struct {
  char *mccmnc; /* "26201" */
  char *name;   /* "Simnet" */
} SimOperator;

typedef struct {
  char *protocol;
  char *link;
  int fd;
  int qrtr_node; /* --protocol=qrtr: the node to publish on, 0 = the bus's own */
  char *control; /* control socket path, or NULL */
  char *at_link; /* a second port, speaking AT: on a pty here (sim-port.h) */
  int at_fd;     /* ... or on this inherited descriptor; -1: none */
  char *vendor;  /* "quectel": the vendor's AT commands; NULL: none */

  char *sim_pin; /* NULL: PIN check disabled */
  char *sim_puk;
  int pin_retries;
  int puk_retries;
  gboolean no_sim;

  char *imei;
  char *manufacturer;
  char *model;
  char *revision;
  char *iccid;
  char *imsi;

  SimOperator home;
  GPtrArray *visible; /* SimOperator*, home is not in it */
  int registration_delay_ms;

  int rssi;                   /* dBm, at start (the world's values: sim_core_signal()) */
  int rsrp;                   /* dBm */
  int rsrq;                   /* dB */
  double snr;                 /* dB */
  gboolean qmi_legacy_signal; /* NAS without Get/Config Signal Info */

  /* IPv4 */
  guint8 ip4[4];
  int ip4_prefix;
  guint8 gw4[4];
  GArray *dns4; /* guint32 in network order */
  int mtu;
  /* IPv6 */
  gboolean have_ip6;
  guint8 ip6[16];
  int ip6_prefix;
  guint8 gw6[16];
  GArray *dns6; /* 16-byte entries */

  char **ecc;                   /* the card's emergency numbers (EF_ECC) */
  gboolean qmi_no_ussd_no_wait; /* QMI: no Originate USSD No Wait (older firmware) */
  char **qmi_without;           /* QMI: services the modem lacks, by name (e.g. VOICE) */
  gboolean at_ussd_packed_hex;  /* AT: +CUSD strings as 7-bit packed hex */

  int silent_after;  /* -1: off */
  int garbage_after; /* -1: off */
  int hangup_after;  /* -1: off */
  int network_disconnect_after_ms;

  /* radio access (sim-radio.h) */
  int rat;           /* SimRat the network offers */
  GArray *lte_bands; /* guint: E-UTRAN bands supported */
  GArray *nr_bands;  /* guint: NR bands supported; none: no 5G */
  int nr_rsrp;       /* dBm */
  int nr_rsrq;       /* dB */
  double nr_snr;     /* dB */
} SimConfig;

/* ---- SIM ---- */

typedef enum {
  SIM_CARD_ABSENT,
  SIM_CARD_PIN_REQUIRED,
  SIM_CARD_PUK_REQUIRED,
  SIM_CARD_READY,
  SIM_CARD_BLOCKED, /* PUK retries exhausted */
} SimCardState;

typedef enum {
  SIM_PIN_OK,
  SIM_PIN_INCORRECT, /* retries decremented */
  SIM_PIN_BLOCKED,   /* no verify possible (PUK needed / card dead) */
  SIM_PIN_NO_SIM,
  SIM_PIN_BAD_ARGS,
} SimPinResult;

/* ---- network ---- */

typedef enum {
  SIM_REG_IDLE, /* radio off or no SIM access */
  SIM_REG_SEARCHING,
  SIM_REG_REGISTERED,
  SIM_REG_DENIED,
} SimRegState;

/* LTE signal as measured now */
typedef struct {
  int rssi;   /* dBm */
  int rsrp;   /* dBm */
  int rsrq;   /* dB */
  double snr; /* dB */
} SimSignal;

/* What the network does with the modem (control command "register") */
typedef enum {
  SIM_NETWORK_HOME,      /* registered on the home operator */
  SIM_NETWORK_ROAMING,   /* registered on the first visible operator */
  SIM_NETWORK_SEARCHING, /* no network to register on */
  SIM_NETWORK_DENIED,    /* registration refused */
  SIM_NETWORK_IDLE,      /* not registered and not searching */
} SimNetworkState;

typedef enum {
  SIM_FAMILY_IPV4 = 4,
  SIM_FAMILY_IPV6 = 6,
  SIM_FAMILY_IPV4V6 = 10,
} SimIpFamily;

typedef struct {
  guint32 handle;
  guint owner; /* protocol-defined (e.g. QMI: service<<8|cid) */
  char *apn;
  char *user;
  SimIpFamily family;
  guint link_id; /* QMAP mux id / MBIM session id; 0: the data port itself */
  guint drop_timer;
} SimSession;

typedef enum {
  SIM_NOTIFY_REGISTRATION,    /* registration state / operator changed */
  SIM_NOTIFY_CARD,            /* SIM card state changed */
  SIM_NOTIFY_RADIO,           /* radio power changed */
  SIM_NOTIFY_SESSION_DROPPED, /* data = SimSession*, network side drop */
  SIM_NOTIFY_CALL,            /* data = SimCall* that changed (sim-voice.h) */
  SIM_NOTIFY_USSD,            /* data = SimUssdMessage* from the network (sim-ussd.h) */
  SIM_NOTIFY_SMS,             /* data = SimSmsEvent* (sim-sms-store.h) */
  SIM_NOTIFY_SIGNAL,          /* the measured signal changed (sim_core_signal()) */
  SIM_NOTIFY_CELL,            /* the modem moved to another cell (sim_core_cell()) */
  SIM_NOTIFY_GPS,             /* the GPS has a new fix (sim_core_gps()) */
  SIM_NOTIFY_NITZ,            /* the network sent its time (sim_core_nitz()) */
} SimNotify;

/* The serving cell (an LTE cell), control command "cell" */
typedef struct {
  char mcc[4];
  char mnc[4];
  guint32 tac;
  guint32 ci;
  guint16 pci;
  guint32 earfcn;
} SimCell;

/* A GPS fix, control command "gps" */
typedef struct {
  gboolean valid;
  double latitude;  /* degrees, north positive */
  double longitude; /* degrees, east positive */
  double altitude;  /* metres above sea level */
  gint64 utc;       /* time of the fix, unix seconds */
} SimGpsFix;

/* What the network said of its time (NITZ), control command "nitz" */
typedef struct {
  gboolean valid;
  int tz_quarters; /* local offset from UTC in 15-minute units, DST included */
  int dst_hours;   /* daylight saving adjustment, 0..2 */
} SimNitz;

/* ---- protocol module interface ---- */

typedef struct {
  const char *name;
  gpointer (*create)(SimCore *core);
  void (*free)(gpointer self);
  /* Bytes that arrived on the link. */
  void (*feed)(gpointer self, const guint8 *data, gsize len);
  /* Link (re)opened or closed by the peer: drop partial input. */
  void (*link_reset)(gpointer self);
  /* World changed spontaneously: send indications if anyone listens. */
  void (*notify)(gpointer self, SimNotify what, gpointer data);
  /* Optional, for a protocol that brings its own link instead of the pty or
   * fd (QRTR: a socket per service): open it (config->link names it), close
   * it as an unplugged device would, and send raw bytes (fault injection). */
  gboolean (*open_link)(gpointer self, GError **error);
  void (*close_link)(gpointer self);
  void (*send_raw)(gpointer self, const guint8 *data, gsize len);
} SimProtocol;

extern const SimProtocol sim_protocol_qmi;
extern const SimProtocol sim_protocol_mbim;
extern const SimProtocol sim_protocol_at;
extern const SimProtocol sim_protocol_qrtr;

/* ---- lifetime (modem-sim.c) ---- */

SimCore *sim_core_new(SimConfig *config, const SimProtocol *proto);
int sim_core_run(SimCore *core);
void sim_core_free(SimCore *core);

/* ---- core API used by protocol modules ---- */

const SimConfig *sim_core_config(SimCore *core);

/* The control socket's command table, which modules may extend
 * (sim_control_add_commands()). */
SimControl *sim_core_control(SimCore *core);

void sim_core_log(SimCore *core, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

/* Call once per received request, after logging it as "rx <protocol> ..."
 * (what on-request fault triggers match) and before decoding it further.
 * Returns FALSE if the request must not be answered (fault injection took over).
 * A request that arrives while a sink is set (carried inside another one)
 * is neither counted nor faulted: the outer request was. */
gboolean sim_core_request_begin(SimCore *core);

/* Queue bytes to the peer (dropped while the link is not open). */
void sim_core_send(SimCore *core, const guint8 *data, gsize len);

/* Output that the caller of a protocol module handles: while a sink is set,
 * sim_core_send() hands the bytes to it instead of the link (a protocol
 * carried inside another, like QMI in MBIM, or a second port of the modem).
 * Returns the sink that was set, for the caller to put back. */
typedef struct {
  void (*func)(gpointer data, const guint8 *bytes, gsize len);
  gpointer data;
} SimSink;
SimSink sim_core_set_sink(SimCore *core, SimSink sink);

/* SIM */
SimCardState sim_core_card_state(SimCore *core);
gboolean sim_core_pin_enabled(SimCore *core);
int sim_core_pin_retries(SimCore *core);
int sim_core_puk_retries(SimCore *core);
SimPinResult sim_core_verify_pin(SimCore *core, const char *pin);
SimPinResult sim_core_unblock_pin(SimCore *core, const char *puk, const char *new_pin);
SimPinResult sim_core_change_pin(SimCore *core, const char *old_pin, const char *new_pin);
SimPinResult sim_core_set_pin_enabled(SimCore *core, gboolean enabled, const char *pin);
typedef enum {
  SIM_EF_OK,
  SIM_EF_NOT_FOUND,
  SIM_EF_ACCESS_DENIED,
} SimEfResult;

/* Contents of an elementary file by id (0x2FE2 ICCID, 0x6F07 IMSI, 0x6FAD AD, 0x6F46 SPN,
 * 0x6FB7 ECC: 3-byte codes as on a 2G SIM, readable always);
 * NULL with *res set when absent or not readable yet. */
GByteArray *sim_core_read_ef(SimCore *core, guint16 id, SimEfResult *res);

/* IMSI readable (SIM present and unlocked) */
gboolean sim_core_sim_readable(SimCore *core);

/* Radio / registration */
gboolean sim_core_radio_on(SimCore *core);
void sim_core_set_radio(SimCore *core, gboolean on);
SimRegState sim_core_reg_state(SimCore *core);
/* Serving operator, valid when registered. */
const SimOperator *sim_core_serving_operator(SimCore *core);
gboolean sim_core_is_roaming(SimCore *core);
/* mccmnc == NULL: automatic.  Returns FALSE if the operator is unknown. */
gboolean sim_core_register(SimCore *core, const char *mccmnc);
gboolean sim_core_manual_selection(SimCore *core);
/* All operators visible in a scan, home first. */
GPtrArray *sim_core_visible_operators(SimCore *core);
const SimSignal *sim_core_signal(SimCore *core);

/* Network-side events (control commands) */
/* New LTE values; RSSI moves with RSRP (sim-core-events.c) */
void sim_core_set_signal(SimCore *core, int rsrp, int rsrq, double snr);
const SimCell *sim_core_cell(SimCore *core);
const SimGpsFix *sim_core_gps(SimCore *core);
/* NMEA sentences of the fix (GGA and RMC, each ending in CR LF); NULL without one */
char *sim_gps_nmea(const SimGpsFix *fix);
const SimNitz *sim_core_nitz(SimCore *core);
/* The network's time now (it runs on from the NITZ), unix seconds; 0 without NITZ */
gint64 sim_core_network_time(SimCore *core);
/* Registration changes now; FALSE (SIM_CONTROL_ERROR_NOT_POSSIBLE) when the
 * radio is off, the SIM not ready or there is no operator to roam on. */
gboolean sim_core_network_set(SimCore *core, SimNetworkState state, GError **error);
/* Hang up the link like a USB unplug, then exit 0. */
void sim_core_unplug(SimCore *core);

/* Data sessions */
SimSession *sim_core_session_start(SimCore *core, guint owner, const char *apn, const char *user,
                                   SimIpFamily family, const char **error_reason);
/* The same on a multiplexed link (QMI mux id, MBIM session id): each link
 * has addresses of its own (sim_core_session_addresses()). */
SimSession *sim_core_session_start_on(SimCore *core, guint link_id, guint owner, const char *apn,
                                      const char *user, SimIpFamily family,
                                      const char **error_reason);
/* The addresses of a session: --ip4/--gateway4 and --ip6/--gateway6 for link
 * 0, and for link N the same with N added to the third byte of IPv4
 * (10.0.0.2 -> 10.0.N.2) and to the sixth byte of IPv6 (2001:db8:1::2 ->
 * 2001:db8:1+N::2 for N < 255), so that every session's differ. */
void sim_core_session_addresses(SimCore *core, const SimSession *session, guint8 ip4[4],
                                guint8 gw4[4], guint8 ip6[16], guint8 gw6[16]);
SimSession *sim_core_session_lookup(SimCore *core, guint32 handle);
/* First session owned by owner, or NULL. */
SimSession *sim_core_session_by_owner(SimCore *core, guint owner);
/* Host-initiated stop; no notification. */
void sim_core_session_stop(SimCore *core, SimSession *session);
void sim_core_session_stop_owner(SimCore *core, guint owner);
/* Network-initiated stop of all sessions (SIGUSR1, network-disconnect). */
void sim_core_drop_all_sessions(SimCore *core);

/* helpers */
void sim_split_mccmnc(const char *mccmnc, guint16 *mcc, guint16 *mnc, gboolean *three_digit_mnc);

G_END_DECLS
