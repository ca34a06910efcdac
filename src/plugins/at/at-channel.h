/* The AT serial channel: a port (a tty, or a wwan AT port) opened exclusive
 * and raw where it has line settings, a queue of commands sent one at a time,
 * and unsolicited result codes routed by prefix.
 *
 * All I/O runs on the thread-default main context and never blocks. No
 * D-Bus, no daemon headers. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct _MmdAtChannel MmdAtChannel;

/* What the channel takes from a modem, so that a broken or hostile one costs
 * bounded memory and is eventually let go:
 * - a line longer than MMD_AT_MAX_LINE bytes is dropped up to its end;
 * - a response (intermediate lines of one command) longer than
 *   MMD_AT_MAX_RESPONSE bytes fails the command (Core.Failed) once its final
 *   result comes; the lines beyond the cap are dropped;
 * - every line reaches handlers and results as valid UTF-8 without control
 *   characters (mmd_text_sanitize());
 * - outside data mode, MMD_AT_MAX_GARBAGE unusable lines in a row (too long,
 *   not clean text, or beyond the response cap; every MMD_AT_MAX_LINE bytes of
 *   an endless line count as one) and the modem is gone: the channel closes
 *   and calls the gone handler. Any usable line resets the count. */
#define MMD_AT_MAX_LINE 4096
#define MMD_AT_MAX_RESPONSE (256 * 1024)
#define MMD_AT_MAX_GARBAGE 32

typedef enum {
  MMD_AT_FLOW_NONE,
  MMD_AT_FLOW_RTSCTS,
  MMD_AT_FLOW_XONXOFF,
} MmdAtFlow;

typedef enum {
  MMD_AT_COMMAND_NONE = 0,
  /* The command carries secrets: quoted arguments are masked in logs. */
  MMD_AT_COMMAND_SECRET = 1 << 0,
  /* The response carries personal data (IMSI, ICCID): masked in logs unless
   * mmd_at_channel_set_log_personal(). */
  MMD_AT_COMMAND_PERSONAL = 1 << 1,
  /* Send the text as is, without "AT" handling or CR (e.g. "+++"). */
  MMD_AT_COMMAND_RAW = 1 << 2,
  /* May be sent while the port is in data mode (escape sequences). */
  MMD_AT_COMMAND_IN_DATA_MODE = 1 << 3,
} MmdAtCommandFlags;

typedef void (*MmdAtUrcFunc)(MmdAtChannel *channel, const char *line, gpointer user_data);
/* The port hung up or failed for good; the channel is closed. */
typedef void (*MmdAtGoneFunc)(MmdAtChannel *channel, const GError *error, gpointer user_data);

MmdAtChannel *mmd_at_channel_new(const char *name);
MmdAtChannel *mmd_at_channel_ref(MmdAtChannel *self);
void mmd_at_channel_unref(MmdAtChannel *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(MmdAtChannel, mmd_at_channel_unref)

/* Opens a port: exclusive (TIOCEXCL on a tty, an advisory lock on a port
 * that is no tty, like the AT ports of the wwan subsystem) and, where it has
 * line settings, raw, without echo, at the given baud rate (0: leave it) and
 * flow control. */
gboolean mmd_at_channel_open(MmdAtChannel *self, const char *path, guint baud, MmdAtFlow flow,
                             GError **error);
/* Uses an already open descriptor (tests); the channel owns it. */
gboolean mmd_at_channel_open_fd(MmdAtChannel *self, int fd, GError **error);
/* Fails pending commands (Serial.NotOpen) and closes the port. */
void mmd_at_channel_close(MmdAtChannel *self);
gboolean mmd_at_channel_is_open(MmdAtChannel *self);

void mmd_at_channel_set_gone_handler(MmdAtChannel *self, MmdAtGoneFunc func, gpointer user_data);
void mmd_at_channel_set_log_personal(MmdAtChannel *self, gboolean personal);

/* Routes lines starting with prefix ("+CREG:", "RING", "NO CARRIER") that are
 * not the response of the command in flight. Returns an id. */
guint mmd_at_channel_add_urc_handler(MmdAtChannel *self, const char *prefix, MmdAtUrcFunc func,
                                     gpointer user_data);
void mmd_at_channel_remove_urc_handler(MmdAtChannel *self, guint id);
/* The same for URCs whose body is the line after them (27.005 +CMT, +CDS,
 * +CBM in PDU mode): func gets "header\nbody". */
guint mmd_at_channel_add_urc_handler_with_body(MmdAtChannel *self, const char *prefix,
                                               MmdAtUrcFunc func, gpointer user_data);

/* Data mode: set when a command ends with CONNECT. While in it, only
 * commands flagged IN_DATA_MODE are sent; others fail with Core.Connected. */
gboolean mmd_at_channel_in_data_mode(MmdAtChannel *self);
void mmd_at_channel_set_data_mode(MmdAtChannel *self, gboolean data_mode);

/* Sets or clears DTR; fails (e.g. on a pty) when the port has no modem
 * control lines. */
gboolean mmd_at_channel_set_dtr(MmdAtChannel *self, gboolean on, GError **error);

/* Queues a command ("AT+CPIN?"; a missing "AT" is added). The result is the
 * intermediate lines joined with "\n" ("" if none). Finals: OK -> success;
 * CONNECT[ text] -> success (the CONNECT line is appended) and data mode;
 * ERROR -> MobileEquipment.Unknown; +CME ERROR -> its MobileEquipment error;
 * NO CARRIER / BUSY / NO ANSWER / NO DIALTONE -> Connection errors; no final
 * within timeout_ms -> Serial.ResponseTimeout (after 5 in a row the channel
 * gives up: it closes and calls the gone handler); a response over
 * MMD_AT_MAX_RESPONSE -> Core.Failed. A command with CR, LF or another control
 * character is refused (Core.InvalidArgs). */
void mmd_at_channel_command(MmdAtChannel *self, const char *command, guint timeout_ms,
                            MmdAtCommandFlags flags, GCancellable *cancellable,
                            GAsyncReadyCallback callback, gpointer user_data);
char *mmd_at_channel_command_finish(MmdAtChannel *self, GAsyncResult *result, GError **error);

/* A command that takes a PDU after the modem's "> " prompt (27.005 +CMGS,
 * +CMGW in PDU mode): pdu_hex (hex digits only, else Core.InvalidArgs) is sent
 * with Ctrl-Z when the prompt comes. Completes like mmd_at_channel_command(). */
void mmd_at_channel_command_with_pdu(MmdAtChannel *self, const char *command, const char *pdu_hex,
                                     guint timeout_ms, GCancellable *cancellable,
                                     GAsyncReadyCallback callback, gpointer user_data);

/* "..." around value, for a command argument; NULL and Core.InvalidArgs if
 * value holds a quote, a backslash or a control character. */
char *mmd_at_quote(const char *value, const char *field, GError **error);

/* The command or line with quoted arguments of secret commands (+CPIN=,
 * +CLCK=, +CPWD=, +CGAUTH=) replaced by "****". */
char *mmd_at_mask_secrets(const char *line);
/* A line with personal data cut for the wire log: the first 6 digits of each
 * run of digits kept, an SMS or broadcast PDU (a long hex line) replaced by
 * its length. */
char *mmd_at_mask_personal(const char *line);

G_END_DECLS
