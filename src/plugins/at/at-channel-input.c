/* What the modem sends: lines assembled from bytes within their limits, made
 * clean text, and routed to the command in flight or a URC handler. */
#include "at-channel-private.h"

#include <string.h>

#include "at-parse.h"
#include "mmd-errors.h"
#include "mmd-text.h"

static GError *
final_error(const char *line)
{
  static const struct {
    const char *text;
    int code;
  } conn[] = {
    { "NO CARRIER", MMD_CONNECTION_ERROR_NO_CARRIER },
    { "BUSY", MMD_CONNECTION_ERROR_BUSY },
    { "NO ANSWER", MMD_CONNECTION_ERROR_NO_ANSWER },
    { "NO DIALTONE", MMD_CONNECTION_ERROR_NO_DIALTONE },
    { "NO DIAL TONE", MMD_CONNECTION_ERROR_NO_DIALTONE },
  };
  GError *e;

  if ((e = mmd_at_parse_cme_error(line)) || (e = mmd_at_parse_cms_error(line)))
    return e;
  if (g_ascii_strcasecmp(line, "ERROR") == 0
      || g_ascii_strcasecmp(line, "COMMAND NOT SUPPORT") == 0)
    return g_error_new(MMD_MOBILE_EQUIPMENT_ERROR, MMD_MOBILE_EQUIPMENT_ERROR_UNKNOWN,
                       "The modem answered ERROR");
  for (gsize i = 0; i < G_N_ELEMENTS(conn); i++)
    if (g_ascii_strcasecmp(line, conn[i].text) == 0)
      return g_error_new(MMD_CONNECTION_ERROR, conn[i].code, "%s", conn[i].text);
  return NULL;
}

static gboolean
is_connect(const char *line)
{
  return g_ascii_strncasecmp(line, "CONNECT", 7) == 0 && (line[7] == '\0' || line[7] == ' ');
}

static gboolean
dispatch_urc(MmdAtChannel *self, const char *line)
{
  for (guint i = 0; i < self->urcs->len; i++) {
    Urc *u = &g_array_index(self->urcs, Urc, i);

    if (g_ascii_strncasecmp(line, u->prefix, strlen(u->prefix)) == 0) {
      MmdAtUrcFunc func = u->func;
      gpointer data = u->user_data;

      at_channel_log_wire(self, "<-- (urc)", line, MMD_AT_COMMAND_NONE);
      if (u->with_body) {
        g_free(self->urc_header);
        self->urc_header = g_strdup(line);
        self->urc_body_id = u->id;
        return TRUE;
      }
      func(self, line, data);
      return TRUE;
    }
  }
  return FALSE;
}

/* The line after a URC that has a body is that body, whatever it says. */
static gboolean
take_urc_body(MmdAtChannel *self, const char *line)
{
  g_autofree char *header = g_steal_pointer(&self->urc_header);
  g_autofree char *joined = NULL;

  if (!header)
    return FALSE;
  at_channel_log_wire(self, "<-- (urc body)", line, MMD_AT_COMMAND_PERSONAL);
  joined = g_strconcat(header, "\n", line, NULL);
  for (guint i = 0; i < self->urcs->len; i++) {
    Urc *u = &g_array_index(self->urcs, Urc, i);

    if (u->id == self->urc_body_id) {
      u->func(self, joined, u->user_data);
      break;
    }
  }
  return TRUE;
}

/* Whether line is the modem echoing the PDU typed after the prompt (its
 * Ctrl-Z is dropped on input). */
static gboolean
is_payload_echo(Command *cmd, const char *line)
{
  return cmd && cmd->payload_sent && g_ascii_strcasecmp(line, cmd->payload) == 0;
}

/* Whether line is the response of the command in flight rather than a URC. */
static gboolean
belongs_to_current(MmdAtChannel *self, const char *line)
{
  Command *cmd = self->current;
  gsize n;

  if (!cmd || !cmd->match)
    return FALSE;
  n = strlen(cmd->match);
  if (g_ascii_strncasecmp(line, cmd->match, n) != 0 || line[n] != ':')
    return FALSE;
  /* setting the registration URC mode answers only OK: a +CREG: line seen
   * meanwhile is a URC */
  if (g_str_has_suffix(cmd->match, "REG")) {
    const char *after = cmd->command + 2 + n;
    if (after[0] == '=' && after[1] != '?')
      return FALSE;
  }
  return TRUE;
}

/* One more unusable line; the modem is gone after MMD_AT_MAX_GARBAGE in a row.
 * In data mode the port carries PPP, not lines: nothing counts there. */
static void
count_garbage(MmdAtChannel *self, const char *what)
{
  if (self->data_mode)
    return;
  g_debug("(%s) %s", self->name, what);
  if (++self->garbage < MMD_AT_MAX_GARBAGE)
    return;
  at_channel_fail(self, g_error_new(MMD_SERIAL_ERROR, MMD_SERIAL_ERROR_UNKNOWN,
                                    "The modem on %s sends garbage (%u unusable lines in a row)",
                                    self->name, self->garbage));
}

/* Adds an intermediate line to the command's response, up to the cap.
 * FALSE when that was the garbage too many: the channel failed, and cmd with it. */
static gboolean
append_response_line(MmdAtChannel *self, Command *cmd, const char *line)
{
  gsize len = strlen(line) + (cmd->lines->len ? 1 : 0);

  if (cmd->overflowed || cmd->lines->len + len > MMD_AT_MAX_RESPONSE) {
    cmd->overflowed = TRUE;
    count_garbage(self, "response over its size cap, line dropped");
    return self->current == cmd;
  }
  if (cmd->lines->len)
    g_string_append_c(cmd->lines, '\n');
  g_string_append(cmd->lines, line);
  return TRUE;
}

static void
handle_line(MmdAtChannel *self, const char *line)
{
  Command *cmd = self->current;
  GError *error;

  if (take_urc_body(self, line))
    return;
  /* echo of what we sent */
  if ((cmd && g_ascii_strcasecmp(line, cmd->command) == 0) || is_payload_echo(cmd, line)) {
    at_channel_log_wire(self, "<-- (echo)", line, cmd->flags);
    return;
  }
  if (!cmd && g_ascii_strncasecmp(line, "AT", 2) == 0) {
    at_channel_log_wire(self, "<-- (stray echo)", line, MMD_AT_COMMAND_NONE);
    return;
  }
  if (!belongs_to_current(self, line) && dispatch_urc(self, line))
    return;
  if (!cmd) {
    at_channel_log_wire(self, "<-- (unsolicited, ignored)", line, MMD_AT_COMMAND_NONE);
    return;
  }
  at_channel_log_wire(self, "<--", line, cmd->flags);

  if (g_ascii_strcasecmp(line, "OK") == 0) {
    error = NULL;
  } else if (is_connect(line)) {
    if (!append_response_line(self, cmd, line))
      return;
    self->data_mode = TRUE;
    g_debug("(%s) entering data mode", self->name);
    error = NULL;
  } else if (!(error = final_error(line))) {
    (void)append_response_line(self, cmd, line);
    return;
  }
  /* a final result */
  if (cmd->overflowed && !error)
    error = g_error_new(MMD_CORE_ERROR, MMD_CORE_ERROR_FAILED,
                        "The response of the modem on %s to %s is over %u bytes", self->name,
                        cmd->match ? cmd->match : "a command", (guint)MMD_AT_MAX_RESPONSE);
  self->timeouts = 0;
  self->current = NULL;
  g_clear_handle_id(&self->timeout_id, g_source_remove);
  at_channel_command_complete(cmd, error);
  at_channel_schedule_next(self);
}

/* A complete line from the input buffer, as clean text to handle_line(). A
 * line that needed cleaning counts as garbage; a clean one that handle_line()
 * took without counting it (echo, URC, response, final) clears the count. */
static void
take_line(MmdAtChannel *self)
{
  g_autofree char *line = NULL;
  gboolean clean = mmd_text_is_clean(self->inbuf->str, (gssize)self->inbuf->len);
  guint garbage_before = self->garbage;

  line = mmd_text_sanitize(self->inbuf->str, (gssize)self->inbuf->len, MMD_AT_MAX_LINE);
  g_string_truncate(self->inbuf, 0);
  g_strstrip(line);
  if (!*line)
    return;
  if (!clean)
    count_garbage(self, "line with invalid UTF-8 or control characters");
  if (self->fd < 0)
    return;
  handle_line(self, line);
  if (clean && self->fd >= 0 && self->garbage == garbage_before)
    self->garbage = 0;
}

/* Skips a line over the cap up to its end; each further MMD_AT_MAX_LINE
 * bytes of it count as one more unusable line. */
static void
discard_byte(MmdAtChannel *self)
{
  if (++self->discarded % MMD_AT_MAX_LINE == 0)
    count_garbage(self, "line too long, still dropping");
}

void
at_channel_process_input(MmdAtChannel *self, const char *data, gsize len)
{
  for (gsize i = 0; i < len && self->fd >= 0; i++) {
    char c = data[i];

    if (c == '\r' || c == '\n') {
      self->discarding = FALSE;
      if (self->inbuf->len > 0)
        take_line(self);
      continue;
    }
    if (self->discarding) {
      discard_byte(self);
      continue;
    }
    /* NUL, and the Ctrl-Z ending a PDU a modem echoes */
    if (c == '\0' || (c == 0x1A && self->current && self->current->payload_sent))
      continue;
    if (self->inbuf->len >= MMD_AT_MAX_LINE) {
      g_string_truncate(self->inbuf, 0);
      self->discarding = TRUE;
      self->discarded = 0;
      count_garbage(self, "line too long, dropped");
      continue;
    }
    g_string_append_c(self->inbuf, c);
    /* the SMS prompt "> " has no line end */
    if (self->inbuf->len == 2 && self->inbuf->str[0] == '>' && c == ' ') {
      g_string_truncate(self->inbuf, 0);
      at_channel_on_prompt(self);
    }
  }
}
