/* 3GPP TS 27.007 response parsers. */
#include "at-parse.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mmd-errors.h"

static gboolean
fail(GError **error, const char *what, const char *input)
{
  g_set_error(error, MMD_CORE_ERROR, MMD_CORE_ERROR_FAILED, "Could not parse %s response '%.64s'",
              what, input ? input : "");
  return FALSE;
}

/* ------------------------------------------------------------------------- */
/* Generic helpers */

GPtrArray *
mmd_at_split_fields(const char *s, GArray **quoted, GError **error)
{
  g_autoptr(GPtrArray) fields = g_ptr_array_new_with_free_func(g_free);
  g_autoptr(GArray) q = g_array_new(FALSE, FALSE, sizeof(gboolean));
  g_autoptr(GString) cur = g_string_new(NULL);
  gboolean in_quotes = FALSE, was_quoted = FALSE;
  int depth = 0;

  if (!s)
    s = "";
  for (const char *p = s;; p++) {
    char c = *p;

    if (c == '\0' || (c == ',' && !in_quotes && depth == 0)) {
      if (in_quotes || depth != 0) {
        g_set_error(error, MMD_CORE_ERROR, MMD_CORE_ERROR_FAILED,
                    "Unterminated quote or parenthesis in '%.64s'", s);
        return NULL;
      }
      if (!was_quoted)
        g_strstrip(cur->str);
      g_ptr_array_add(fields, g_strdup(cur->str));
      g_array_append_val(q, was_quoted);
      g_string_truncate(cur, 0);
      was_quoted = FALSE;
      if (c == '\0')
        break;
      continue;
    }
    if (c == '"' && depth == 0) {
      if (!in_quotes) {
        /* drop blanks before the opening quote */
        if (cur->len > 0 && g_strstrip(cur->str)[0] == '\0')
          g_string_truncate(cur, 0);
        if (cur->len > 0) {
          g_set_error(error, MMD_CORE_ERROR, MMD_CORE_ERROR_FAILED, "Stray quote in '%.64s'", s);
          return NULL;
        }
        in_quotes = TRUE;
        was_quoted = TRUE;
      } else {
        in_quotes = FALSE;
        /* only blanks may follow the closing quote */
        while (p[1] == ' ' || p[1] == '\t')
          p++;
        if (p[1] != ',' && p[1] != '\0') {
          g_set_error(error, MMD_CORE_ERROR, MMD_CORE_ERROR_FAILED,
                      "Garbage after quoted field in '%.64s'", s);
          return NULL;
        }
      }
      continue;
    }
    if (!in_quotes) {
      if (c == '(')
        depth++;
      else if (c == ')' && --depth < 0) {
        g_set_error(error, MMD_CORE_ERROR, MMD_CORE_ERROR_FAILED, "Unbalanced ')' in '%.64s'", s);
        return NULL;
      }
    }
    g_string_append_c(cur, c);
  }
  if (quoted)
    *quoted = g_steal_pointer(&q);
  return g_steal_pointer(&fields);
}

const char *
mmd_at_strip_prefix(const char *line, const char *const *prefixes)
{
  for (guint i = 0; prefixes[i]; i++) {
    gsize n = strlen(prefixes[i]);

    if (g_ascii_strncasecmp(line, prefixes[i], n) == 0) {
      const char *p = line + n;

      if (*p == ':')
        p++;
      else if (prefixes[i][n - 1] != ':')
        continue;
      while (*p == ' ' || *p == '\t')
        p++;
      return p;
    }
  }
  return NULL;
}

static gboolean
parse_uint(const char *s, int base, gulong max, gulong *out)
{
  char *end = NULL;
  guint64 v;

  if (!s)
    return FALSE;
  while (*s == ' ')
    s++;
  if (!*s || !g_ascii_isxdigit(*s))
    return FALSE;
  v = g_ascii_strtoull(s, &end, base);
  while (end && *end == ' ')
    end++;
  if (!end || *end != '\0' || v > max)
    return FALSE;
  *out = (gulong)v;
  return TRUE;
}

static gboolean
parse_int_field(GPtrArray *f, guint i, int *out)
{
  gulong v;

  if (i >= f->len || !parse_uint(g_ptr_array_index(f, i), 10, G_MAXINT, &v))
    return FALSE;
  *out = (int)v;
  return TRUE;
}

static const char *
field(GPtrArray *f, guint i)
{
  return i < f->len ? g_ptr_array_index(f, i) : NULL;
}

/* Lines of a response, without empty ones. */
static char **
response_lines(const char *response)
{
  g_auto(GStrv) raw = g_strsplit_set(response ? response : "", "\r\n", -1);
  GPtrArray *lines = g_ptr_array_new();

  for (guint i = 0; raw[i]; i++) {
    char *l = g_strstrip(raw[i]);
    if (*l)
      g_ptr_array_add(lines, g_strdup(l));
  }
  g_ptr_array_add(lines, NULL);
  return (char **)g_ptr_array_free(lines, FALSE);
}

/* Text of a line after any "+XXX:", "^XXX:" or "$XXX:" prefix. */
static const char *
skip_any_prefix(const char *line)
{
  if (line[0] == '+' || line[0] == '^' || line[0] == '$' || line[0] == '#' || line[0] == '*') {
    const char *colon = strchr(line, ':');
    gsize i;

    for (i = 1; line + i < (colon ? colon : line); i++)
      if (!g_ascii_isalnum(line[i]) && line[i] != '_')
        return line;
    if (colon) {
      colon++;
      while (*colon == ' ' || *colon == '\t')
        colon++;
      return colon;
    }
  }
  return line;
}

static char *
unquote_dup(const char *s)
{
  gsize n;

  while (*s == ' ')
    s++;
  n = strlen(s);
  while (n > 0 && s[n - 1] == ' ')
    n--;
  if (n >= 2 && s[0] == '"' && s[n - 1] == '"')
    return g_strndup(s + 1, n - 2);
  return g_strndup(s, n);
}

/* ------------------------------------------------------------------------- */
/* Identity */

char *
mmd_at_parse_info(const char *response, GError **error)
{
  static const char *const labels[] = { "Manufacturer:", "Model:", "Revision:", NULL };
  g_auto(GStrv) lines = response_lines(response);

  for (guint i = 0; lines[i]; i++) {
    const char *l = mmd_at_strip_prefix(lines[i], labels);
    char *v = unquote_dup(l ? l : skip_any_prefix(lines[i]));

    if (*v && g_utf8_validate(v, -1, NULL))
      return v;
    g_free(v);
  }
  fail(error, "information", response);
  return NULL;
}

static char *
digits_value(const char *response, gsize min, gsize max, const char *what, gboolean allow_f,
             GError **error)
{
  g_auto(GStrv) lines = response_lines(response);

  for (guint i = 0; lines[i]; i++) {
    const char *text = skip_any_prefix(lines[i]);
    const char *colon = strrchr(text, ':');
    g_autofree char *v = unquote_dup(colon ? colon + 1 : text);
    gsize n = strlen(v);
    gboolean ok = n >= min;

    for (gsize k = 0; ok && k < n; k++)
      ok = g_ascii_isdigit(v[k]) || (allow_f && (v[k] == 'F' || v[k] == 'f'));
    if (!ok)
      continue;
    if (ok && n >= min && n <= max)
      return g_steal_pointer(&v);
  }
  fail(error, what, response);
  return NULL;
}

char *
mmd_at_parse_imei(const char *response, GError **error)
{
  return digits_value(response, 14, 17, "IMEI", FALSE, error);
}

char *
mmd_at_parse_imsi(const char *response, GError **error)
{
  return digits_value(response, 6, 15, "IMSI", FALSE, error);
}

char *
mmd_at_parse_iccid(const char *response, GError **error)
{
  g_autofree char *raw = digits_value(response, 18, 22, "ICCID", TRUE, error);
  char *v;
  gsize n;

  if (!raw)
    return NULL;
  n = strlen(raw);
  /* ICCIDs start with the telecom industry identifier 89; a modem that
   * returns the raw EF_ICCID bytes gives the nibbles swapped. */
  if (g_str_has_prefix(raw, "98")) {
    for (gsize i = 0; i + 1 < n; i += 2) {
      char t = raw[i];
      raw[i] = raw[i + 1];
      raw[i + 1] = t;
    }
  }
  while (n > 0 && (raw[n - 1] == 'F' || raw[n - 1] == 'f'))
    raw[--n] = '\0';
  for (gsize i = 0; i < n; i++)
    if (!g_ascii_isdigit(raw[i])) {
      fail(error, "ICCID", response);
      return NULL;
    }
  if (n < 18) {
    fail(error, "ICCID", response);
    return NULL;
  }
  v = g_steal_pointer(&raw);
  return v;
}

/* ------------------------------------------------------------------------- */
/* SIM */

gboolean
mmd_at_parse_cpin(const char *response, MmdModemLock *lock, GError **error)
{
  static const char *const prefixes[] = { "+CPIN:", NULL };
  static const struct {
    const char *text;
    MmdModemLock lock;
  } codes[] = {
    { "READY", MMD_MODEM_LOCK_NONE },        { "SIM PIN2", MMD_MODEM_LOCK_SIM_PIN2 },
    { "SIM PUK2", MMD_MODEM_LOCK_SIM_PUK2 }, { "SIM PIN", MMD_MODEM_LOCK_SIM_PIN },
    { "SIM PUK", MMD_MODEM_LOCK_SIM_PUK },
  };
  g_auto(GStrv) lines = response_lines(response);

  for (guint i = 0; lines[i]; i++) {
    const char *v = mmd_at_strip_prefix(lines[i], prefixes);
    g_autofree char *text = NULL;

    if (!v)
      continue;
    text = unquote_dup(v);
    for (gsize k = 0; k < G_N_ELEMENTS(codes); k++)
      if (g_ascii_strcasecmp(text, codes[k].text) == 0) {
        *lock = codes[k].lock;
        return TRUE;
      }
    if (g_str_has_prefix(text, "PH-") || g_str_has_prefix(text, "PH_")) {
      *lock = MMD_MODEM_LOCK_UNKNOWN;
      return TRUE;
    }
  }
  return fail(error, "+CPIN", response);
}

gboolean
mmd_at_parse_pin_retries(const char *response, MmdAtRetries *r, GError **error)
{
  static const char *const cpinr[] = { "+CPINR:", "+QPINC:", "+CPINC:", "^CPIN:", NULL };
  g_auto(GStrv) lines = response_lines(response);
  gboolean found = FALSE;

  r->pin = r->puk = r->pin2 = r->puk2 = -1;
  for (guint i = 0; lines[i]; i++) {
    const char *v = mmd_at_strip_prefix(lines[i], cpinr);
    g_autoptr(GPtrArray) f = NULL;
    int a = -1, b = -1, c = -1, d = -1;

    if (!v || !(f = mmd_at_split_fields(v, NULL, NULL)))
      continue;
    if (g_ascii_strncasecmp(lines[i], "+CPINR", 6) == 0) {
      /* +CPINR: <code>,<retries>[,<default_retries>] */
      const char *code = field(f, 0);
      int *slot = NULL;

      if (!parse_int_field(f, 1, &a))
        continue;
      if (g_ascii_strcasecmp(code, "SIM PIN") == 0)
        slot = &r->pin;
      else if (g_ascii_strcasecmp(code, "SIM PUK") == 0)
        slot = &r->puk;
      else if (g_ascii_strcasecmp(code, "SIM PIN2") == 0)
        slot = &r->pin2;
      else if (g_ascii_strcasecmp(code, "SIM PUK2") == 0)
        slot = &r->puk2;
      if (slot) {
        *slot = a;
        found = TRUE;
      }
    } else if (g_ascii_strncasecmp(lines[i], "+QPINC", 6) == 0) {
      /* +QPINC: "SC",<pin>,<puk> / "P2",<pin2>,<puk2> */
      const char *fac = field(f, 0);

      if (!parse_int_field(f, 1, &a) || !parse_int_field(f, 2, &b))
        continue;
      if (g_ascii_strcasecmp(fac, "SC") == 0) {
        r->pin = a;
        r->puk = b;
        found = TRUE;
      } else if (g_ascii_strcasecmp(fac, "P2") == 0) {
        r->pin2 = a;
        r->puk2 = b;
        found = TRUE;
      }
    } else if (g_ascii_strncasecmp(lines[i], "+CPINC", 6) == 0) {
      /* +CPINC: <pin1>,<pin2>,<puk1>,<puk2> */
      if (!parse_int_field(f, 0, &a) || !parse_int_field(f, 1, &b) || !parse_int_field(f, 2, &c)
          || !parse_int_field(f, 3, &d))
        continue;
      r->pin = a;
      r->pin2 = b;
      r->puk = c;
      r->puk2 = d;
      found = TRUE;
    } else {
      /* ^CPIN: <code>,[<times>],<puk_times>,<pin_times>,<puk2_times>,<pin2_times> */
      if (!parse_int_field(f, 2, &a) || !parse_int_field(f, 3, &b))
        continue;
      r->puk = a;
      r->pin = b;
      if (parse_int_field(f, 4, &c) && parse_int_field(f, 5, &d)) {
        r->puk2 = c;
        r->pin2 = d;
      }
      found = TRUE;
    }
  }
  if (!found)
    return fail(error, "PIN retries", response);
  return TRUE;
}

gboolean
mmd_at_parse_clck(const char *response, gboolean *enabled, GError **error)
{
  static const char *const prefixes[] = { "+CLCK:", NULL };
  g_auto(GStrv) lines = response_lines(response);

  for (guint i = 0; lines[i]; i++) {
    const char *v = mmd_at_strip_prefix(lines[i], prefixes);
    g_autoptr(GPtrArray) f = v ? mmd_at_split_fields(v, NULL, NULL) : NULL;
    int status;

    if (f && parse_int_field(f, 0, &status) && status <= 1) {
      *enabled = status == 1;
      return TRUE;
    }
  }
  return fail(error, "+CLCK", response);
}

/* ------------------------------------------------------------------------- */
/* Registration */

static gboolean
looks_like_small_int(const char *s, gboolean quoted)
{
  gsize n = strlen(s);

  if (quoted || n == 0 || n > 2)
    return FALSE;
  for (gsize i = 0; i < n; i++)
    if (!g_ascii_isdigit(s[i]))
      return FALSE;
  return TRUE;
}

gboolean
mmd_at_parse_registration(const char *line, MmdAtRegistration *reg, GError **error)
{
  static const char *const prefixes[] = { "+CREG:", "+CGREG:", "+CEREG:", "+C5GREG:", NULL };
  const char *v;
  g_autoptr(GPtrArray) f = NULL;
  g_autoptr(GArray) q = NULL;
  g_autofree char *first = NULL;
  guint i = 0;
  gulong x;

  memset(reg, 0, sizeof *reg);
  reg->n = -1;
  reg->act = -1;
  if (!line)
    return fail(error, "registration", line);
  /* the read command's response may come with others in one block: take the first match */
  first = g_strdup(line);
  {
    char *nl = strpbrk(first, "\r\n");
    if (nl)
      *nl = '\0';
  }
  v = mmd_at_strip_prefix(g_strstrip(first), prefixes);
  if (!v || !(f = mmd_at_split_fields(v, &q, NULL)) || f->len == 0)
    return fail(error, "registration", line);

  /* Solicited: n,stat[,...]: the first two fields are small unquoted numbers.
   * Unsolicited: stat[,lac,ci[,act]]: lac is quoted or a longer hex number. */
  if (f->len >= 2 && looks_like_small_int(field(f, 0), FALSE)
      && looks_like_small_int(field(f, 1), g_array_index(q, gboolean, 1))) {
    if (!parse_int_field(f, 0, &reg->n))
      return fail(error, "registration", line);
    i = 1;
  }
  if (!parse_int_field(f, i, &reg->stat) || reg->stat > 11)
    return fail(error, "registration", line);
  i++;
  if (i < f->len && *field(f, i)) {
    if (!parse_uint(field(f, i), 16, G_MAXUINT32, &x))
      return fail(error, "registration", line);
    reg->lac = x;
  }
  i++;
  if (i < f->len && *field(f, i)) {
    if (!parse_uint(field(f, i), 16, G_MAXUINT64 > G_MAXULONG ? G_MAXULONG : G_MAXUINT64, &x))
      return fail(error, "registration", line);
    reg->ci = x;
  }
  i++;
  if (i < f->len && *field(f, i)) {
    int act;
    if (!parse_int_field(f, i, &act))
      return fail(error, "registration", line);
    reg->act = act;
  }
  /* further fields (rac, cause, timers, NSSAI) are not needed */
  return TRUE;
}

MmdModem3gppRegistrationState
mmd_at_registration_state(int stat)
{
  if (stat < 0 || stat > 11)
    return MMD_MODEM_3GPP_REGISTRATION_STATE_UNKNOWN;
  /* the enum has the 27.007 values */
  return (MmdModem3gppRegistrationState)stat;
}

guint
mmd_at_act_to_access_technology(int act)
{
  switch (act) {
    case 0:
      return MMD_MODEM_ACCESS_TECHNOLOGY_GSM;
    case 1:
      return MMD_MODEM_ACCESS_TECHNOLOGY_GSM_COMPACT;
    case 2:
      return MMD_MODEM_ACCESS_TECHNOLOGY_UMTS;
    case 3:
      return MMD_MODEM_ACCESS_TECHNOLOGY_EDGE;
    case 4:
      return MMD_MODEM_ACCESS_TECHNOLOGY_HSDPA;
    case 5:
      return MMD_MODEM_ACCESS_TECHNOLOGY_HSUPA;
    case 6:
      return MMD_MODEM_ACCESS_TECHNOLOGY_HSPA;
    case 7:
    case 10:
      return MMD_MODEM_ACCESS_TECHNOLOGY_LTE;
    case 8:
      return MMD_MODEM_ACCESS_TECHNOLOGY_GSM;
    case 9:
      return MMD_MODEM_ACCESS_TECHNOLOGY_LTE_NB_IOT;
    case 11:
    case 12:
      return MMD_MODEM_ACCESS_TECHNOLOGY_5GNR;
    case 13:
      return MMD_MODEM_ACCESS_TECHNOLOGY_LTE | MMD_MODEM_ACCESS_TECHNOLOGY_5GNR;
    default:
      return MMD_MODEM_ACCESS_TECHNOLOGY_UNKNOWN;
  }
}

/* ------------------------------------------------------------------------- */
/* Operators */

char *
mmd_at_decode_name(const char *name)
{
  gsize n = name ? strlen(name) : 0;
  gboolean hex = n >= 8 && n % 4 == 0;

  for (gsize i = 0; hex && i < n; i++)
    hex = g_ascii_isxdigit(name[i]);
  if (hex) {
    g_autofree gunichar2 *u = g_new0(gunichar2, n / 4 + 1);
    g_autofree char *utf8 = NULL;
    gboolean printable = TRUE;

    for (gsize i = 0; i < n / 4; i++) {
      char buf[5];
      memcpy(buf, name + i * 4, 4);
      buf[4] = '\0';
      u[i] = (gunichar2)strtoul(buf, NULL, 16);
      if (u[i] < 0x20 || u[i] == 0x7f)
        printable = FALSE;
    }
    if (printable && (utf8 = g_utf16_to_utf8(u, n / 4, NULL, NULL, NULL)))
      return g_steal_pointer(&utf8);
  }
  if (name && !g_utf8_validate(name, -1, NULL))
    return g_utf8_make_valid(name, -1);
  return g_strdup(name ? name : "");
}

gboolean
mmd_at_parse_cops_read(const char *response, int *mode, int *format, char **oper, int *act,
                       GError **error)
{
  static const char *const prefixes[] = { "+COPS:", NULL };
  g_auto(GStrv) lines = response_lines(response);

  *format = *act = -1;
  *oper = NULL;
  for (guint i = 0; lines[i]; i++) {
    const char *v = mmd_at_strip_prefix(lines[i], prefixes);
    g_autoptr(GPtrArray) f = v ? mmd_at_split_fields(v, NULL, NULL) : NULL;

    if (!f || !parse_int_field(f, 0, mode) || *mode > 4)
      continue;
    if (f->len >= 3 && *field(f, 1) && *field(f, 2)) {
      if (!parse_int_field(f, 1, format) || *format > 2)
        return fail(error, "+COPS?", response);
      *oper = mmd_at_decode_name(field(f, 2));
      if (f->len >= 4 && *field(f, 3) && !parse_int_field(f, 3, act))
        *act = -1;
    }
    return TRUE;
  }
  return fail(error, "+COPS?", response);
}

void
mmd_at_operator_free(MmdAtOperator *op)
{
  if (!op)
    return;
  g_free(op->long_name);
  g_free(op->short_name);
  g_free(op->code);
  g_free(op);
}

static gboolean
is_operator_code(const char *s)
{
  gsize n = strlen(s);

  if (n < 5 || n > 6)
    return FALSE;
  for (gsize i = 0; i < n; i++)
    if (!g_ascii_isdigit(s[i]))
      return FALSE;
  return TRUE;
}

GPtrArray *
mmd_at_parse_cops_test(const char *response, GError **error)
{
  static const char *const prefixes[] = { "+COPS:", NULL };
  g_autoptr(GPtrArray) ops = g_ptr_array_new_with_free_func((GDestroyNotify)mmd_at_operator_free);
  g_auto(GStrv) lines = response_lines(response);
  gboolean seen = FALSE;

  for (guint i = 0; lines[i]; i++) {
    const char *v = mmd_at_strip_prefix(lines[i], prefixes);
    g_autoptr(GPtrArray) groups = NULL;

    if (!v)
      continue;
    seen = TRUE;
    groups = mmd_at_split_fields(v, NULL, error);
    if (!groups)
      return NULL;
    for (guint g = 0; g < groups->len; g++) {
      const char *grp = g_ptr_array_index(groups, g);
      gsize n = strlen(grp);
      g_autofree char *inner = NULL;
      g_autoptr(GPtrArray) f = NULL;
      MmdAtOperator *op;
      int stat;

      if (n == 0)
        break; /* ",," ends the operator list; supported modes/formats follow */
      if (n < 2 || grp[0] != '(' || grp[n - 1] != ')')
        continue;
      inner = g_strndup(grp + 1, n - 2);
      f = mmd_at_split_fields(inner, NULL, NULL);
      if (!f || f->len < 4 || !parse_int_field(f, 0, &stat) || stat > 3
          || !is_operator_code(field(f, 3)))
        continue;
      op = g_new0(MmdAtOperator, 1);
      op->status = (guint)stat;
      op->long_name = mmd_at_decode_name(field(f, 1));
      op->short_name = mmd_at_decode_name(field(f, 2));
      op->code = g_strdup(field(f, 3));
      op->act = -1;
      if (f->len >= 5 && *field(f, 4))
        parse_int_field(f, 4, &op->act);
      g_ptr_array_add(ops, op);
    }
  }
  if (!seen) {
    fail(error, "+COPS=?", response);
    return NULL;
  }
  return g_steal_pointer(&ops);
}

/* ------------------------------------------------------------------------- */
/* Signal */

static GPtrArray *
first_fields(const char *response, const char *prefix)
{
  const char *const prefixes[] = { prefix, NULL };
  g_auto(GStrv) lines = response_lines(response);

  for (guint i = 0; lines[i]; i++) {
    const char *v = mmd_at_strip_prefix(lines[i], prefixes);
    if (v)
      return mmd_at_split_fields(v, NULL, NULL);
  }
  return NULL;
}

gboolean
mmd_at_parse_csq(const char *response, int *rssi, int *ber, GError **error)
{
  g_autoptr(GPtrArray) f = first_fields(response, "+CSQ:");

  if (!f || !parse_int_field(f, 0, rssi) || (*rssi > 31 && *rssi != 99))
    return fail(error, "+CSQ", response);
  if (!parse_int_field(f, 1, ber))
    *ber = 99;
  return TRUE;
}

gboolean
mmd_at_parse_cesq(const char *response, MmdAtSignal *sig, GError **error)
{
  g_autoptr(GPtrArray) f = first_fields(response, "+CESQ:");
  int v[9];

  for (guint i = 0; i < G_N_ELEMENTS(v); i++)
    v[i] = -1;
  if (!f || f->len < 6)
    return fail(error, "+CESQ", response);
  for (guint i = 0; i < f->len && i < G_N_ELEMENTS(v); i++)
    if (!parse_int_field(f, i, &v[i]))
      return fail(error, "+CESQ", response);
  sig->rssi = v[0] >= 0 && v[0] <= 63 ? -111.0 + v[0] : NAN;
  sig->rscp = v[2] >= 0 && v[2] <= 96 ? -121.0 + v[2] : NAN;
  sig->ecio = v[3] >= 0 && v[3] <= 49 ? -24.5 + v[3] / 2.0 : NAN;
  sig->rsrq = v[4] >= 0 && v[4] <= 34 ? -20.0 + v[4] / 2.0 : NAN;
  sig->rsrp = v[5] >= 0 && v[5] <= 97 ? -141.0 + v[5] : NAN;
  sig->nr_rsrq = v[6] >= 0 && v[6] <= 127 ? -43.0 + v[6] / 2.0 : NAN;
  sig->nr_rsrp = v[7] >= 0 && v[7] <= 126 ? -157.0 + v[7] : NAN;
  sig->nr_snr = v[8] >= 0 && v[8] <= 127 ? -23.0 + v[8] / 2.0 : NAN;
  return TRUE;
}

/* ------------------------------------------------------------------------- */
/* PDP contexts */

void
mmd_at_pdp_context_free(MmdAtPdpContext *ctx)
{
  if (!ctx)
    return;
  g_free(ctx->pdp_type);
  g_free(ctx->apn);
  g_free(ctx);
}

GPtrArray *
mmd_at_parse_cgdcont_read(const char *response, GError **error)
{
  static const char *const prefixes[] = { "+CGDCONT:", NULL };
  g_autoptr(GPtrArray) list
      = g_ptr_array_new_with_free_func((GDestroyNotify)mmd_at_pdp_context_free);
  g_auto(GStrv) lines = response_lines(response);

  for (guint i = 0; lines[i]; i++) {
    const char *v = mmd_at_strip_prefix(lines[i], prefixes);
    g_autoptr(GPtrArray) f = NULL;
    MmdAtPdpContext *ctx;
    int cid;

    if (!v)
      continue;
    f = mmd_at_split_fields(v, NULL, NULL);
    if (!f || !parse_int_field(f, 0, &cid) || f->len < 2) {
      fail(error, "+CGDCONT?", response);
      return NULL;
    }
    ctx = g_new0(MmdAtPdpContext, 1);
    ctx->cid = (guint)cid;
    ctx->pdp_type = g_ascii_strup(field(f, 1), -1);
    ctx->apn = g_strdup(f->len > 2 ? field(f, 2) : "");
    g_ptr_array_add(list, ctx);
  }
  return g_steal_pointer(&list);
}

/* "(1-16)", "(1,2,3)", "1" -> highest number */
static gboolean
range_max(const char *s, guint *max)
{
  gboolean any = FALSE;
  gulong best = 0;
  const char *p = s;

  while (*p) {
    if (g_ascii_isdigit(*p)) {
      gulong v = 0;
      while (g_ascii_isdigit(*p) && v < 100000)
        v = v * 10 + (gulong)(*p++ - '0');
      while (g_ascii_isdigit(*p))
        p++;
      if (v > best)
        best = v;
      any = TRUE;
    } else if (*p == '(' || *p == ')' || *p == '-' || *p == ',' || *p == ' ') {
      p++;
    } else {
      return FALSE;
    }
  }
  if (any)
    *max = (guint)best;
  return any;
}

gboolean
mmd_at_parse_cgdcont_test(const char *response, guint *max_cid, guint *families, GError **error)
{
  static const char *const prefixes[] = { "+CGDCONT:", NULL };
  g_auto(GStrv) lines = response_lines(response);
  gboolean found = FALSE;

  *max_cid = 0;
  *families = 0;
  for (guint i = 0; lines[i]; i++) {
    const char *v = mmd_at_strip_prefix(lines[i], prefixes);
    g_autoptr(GPtrArray) f = v ? mmd_at_split_fields(v, NULL, NULL) : NULL;
    const char *type;
    guint m;

    if (!f || f->len < 2 || !range_max(field(f, 0), &m))
      continue;
    found = TRUE;
    *max_cid = MAX(*max_cid, m);
    type = field(f, 1);
    if (g_ascii_strcasecmp(type, "IP") == 0)
      *families |= MMD_BEARER_IP_FAMILY_IPV4;
    else if (g_ascii_strcasecmp(type, "IPV6") == 0)
      *families |= MMD_BEARER_IP_FAMILY_IPV6;
    else if (g_ascii_strcasecmp(type, "IPV4V6") == 0)
      *families |= MMD_BEARER_IP_FAMILY_IPV4V6;
    else if (g_ascii_strcasecmp(type, "Non-IP") == 0)
      *families |= MMD_BEARER_IP_FAMILY_NON_IP;
  }
  if (!found)
    return fail(error, "+CGDCONT=?", response);
  return TRUE;
}

GArray *
mmd_at_parse_cgact_read(const char *response, GError **error)
{
  static const char *const prefixes[] = { "+CGACT:", NULL };
  g_autoptr(GArray) pairs = g_array_new(FALSE, FALSE, sizeof(guint));
  g_auto(GStrv) lines = response_lines(response);

  for (guint i = 0; lines[i]; i++) {
    const char *v = mmd_at_strip_prefix(lines[i], prefixes);
    g_autoptr(GPtrArray) f = NULL;
    int cid, state;

    if (!v)
      continue;
    f = mmd_at_split_fields(v, NULL, NULL);
    if (!f || !parse_int_field(f, 0, &cid) || !parse_int_field(f, 1, &state) || state > 1) {
      fail(error, "+CGACT?", response);
      return NULL;
    }
    g_array_append_val(pairs, cid);
    g_array_append_val(pairs, state);
  }
  return g_steal_pointer(&pairs);
}

/* Dotted-decimal octets (27.007 style) -> bytes; returns count or -1. */
static int
dotted_octets(const char *s, guint8 *out, int max)
{
  int n = 0;
  const char *p = s;

  if (!*p)
    return -1;
  while (*p) {
    gulong v = 0;
    int digits = 0;

    while (g_ascii_isdigit(*p)) {
      v = v * 10 + (gulong)(*p++ - '0');
      if (++digits > 3)
        return -1;
    }
    if (digits == 0 || v > 255 || n >= max)
      return -1;
    out[n++] = (guint8)v;
    if (*p == '.')
      p++;
    else if (*p)
      return -1;
  }
  return n;
}

/* An address as text: IPv4 dotted, IPv6 colon form, or 16 dotted octets. */
static char *
address_text(const char *s, gboolean *is_v6, guint *prefix)
{
  guint8 b[32];
  int n;

  if (prefix)
    *prefix = 0;
  if (strchr(s, ':')) {
    GInetAddress *a = g_inet_address_new_from_string(s);
    char *t;
    if (!a)
      return NULL;
    t = g_inet_address_to_string(a);
    g_object_unref(a);
    *is_v6 = TRUE;
    return t;
  }
  n = dotted_octets(s, b, sizeof b);
  if (n == 4 || n == 8) {
    *is_v6 = FALSE;
    if (n == 8 && prefix) {
      guint bits = 0;
      for (int i = 4; i < 8; i++)
        for (int k = 7; k >= 0; k--)
          bits += (b[i] >> k) & 1;
      *prefix = bits;
    }
    return g_strdup_printf("%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
  }
  if (n == 16 || n == 32) {
    GInetAddress *a = g_inet_address_new_from_bytes(b, G_SOCKET_FAMILY_IPV6);
    char *t = g_inet_address_to_string(a);
    g_object_unref(a);
    *is_v6 = TRUE;
    if (n == 32 && prefix) {
      guint bits = 0;
      for (int i = 16; i < 32; i++)
        for (int k = 7; k >= 0; k--)
          bits += (b[i] >> k) & 1;
      *prefix = bits;
    }
    return t;
  }
  return NULL;
}

gboolean
mmd_at_parse_cgpaddr(const char *response, guint cid, char **ip4, char **ip6, GError **error)
{
  static const char *const prefixes[] = { "+CGPADDR:", NULL };
  g_auto(GStrv) lines = response_lines(response);

  *ip4 = *ip6 = NULL;
  for (guint i = 0; lines[i]; i++) {
    const char *v = mmd_at_strip_prefix(lines[i], prefixes);
    g_autoptr(GPtrArray) f = v ? mmd_at_split_fields(v, NULL, NULL) : NULL;
    int c;

    if (!f || !parse_int_field(f, 0, &c) || (guint)c != cid)
      continue;
    for (guint k = 1; k < f->len && k < 3; k++) {
      gboolean v6 = FALSE;
      char *t;

      if (!*field(f, k))
        continue;
      t = address_text(field(f, k), &v6, NULL);
      if (!t) {
        g_clear_pointer(ip4, g_free);
        g_clear_pointer(ip6, g_free);
        return fail(error, "+CGPADDR", response);
      }
      if (v6 && !*ip6)
        *ip6 = t;
      else if (!v6 && !*ip4)
        *ip4 = t;
      else
        g_free(t);
    }
    if (*ip4 || *ip6)
      return TRUE;
  }
  return fail(error, "+CGPADDR", response);
}

void
mmd_at_context_info_free(MmdAtContextInfo *info)
{
  if (!info)
    return;
  g_free(info->apn);
  g_free(info->address);
  g_free(info->gateway);
  g_free(info->dns[0]);
  g_free(info->dns[1]);
  g_free(info);
}

GPtrArray *
mmd_at_parse_cgcontrdp(const char *response, GError **error)
{
  static const char *const prefixes[] = { "+CGCONTRDP:", NULL };
  g_autoptr(GPtrArray) list
      = g_ptr_array_new_with_free_func((GDestroyNotify)mmd_at_context_info_free);
  g_auto(GStrv) lines = response_lines(response);

  for (guint i = 0; lines[i]; i++) {
    const char *v = mmd_at_strip_prefix(lines[i], prefixes);
    g_autoptr(GPtrArray) f = NULL;
    g_autoptr(MmdAtContextInfo) info = NULL;
    int cid, mtu;
    gboolean v6 = FALSE, v6b = FALSE;

    if (!v)
      continue;
    /* <cid>,<bearer_id>,<apn>[,<local_addr and subnet_mask>[,<gw_addr>[,<DNS_prim>[,<DNS_sec>
     * [,<P-CSCF_prim>[,<P-CSCF_sec>[,<IM_CN_Signalling_Flag>[,<LIPA_indication>[,<IPv4_MTU>]]]]]]]]]
     */
    f = mmd_at_split_fields(v, NULL, NULL);
    if (!f || !parse_int_field(f, 0, &cid) || f->len < 4 || !*field(f, 3))
      goto bad;
    info = g_new0(MmdAtContextInfo, 1);
    info->cid = (guint)cid;
    info->apn = g_strdup(field(f, 2));
    info->address = address_text(field(f, 3), &v6, &info->prefix);
    if (!info->address)
      goto bad;
    info->ipv6 = v6;
    if (info->prefix == 0)
      info->prefix = v6 ? 64 : 32;
    if (f->len > 4 && *field(f, 4) && !(info->gateway = address_text(field(f, 4), &v6b, NULL)))
      goto bad;
    for (guint k = 0; k < 2; k++)
      if (f->len > 5 + k && *field(f, 5 + k)
          && !(info->dns[k] = address_text(field(f, 5 + k), &v6b, NULL)))
        goto bad;
    if (f->len > 11 && parse_int_field(f, 11, &mtu))
      info->mtu = (guint)mtu;
    g_ptr_array_add(list, g_steal_pointer(&info));
  }
  if (list->len == 0)
    goto bad;
  return g_steal_pointer(&list);

bad:
  fail(error, "+CGCONTRDP", response);
  return NULL;
}

/* ------------------------------------------------------------------------- */
/* Misc */

gboolean
mmd_at_parse_cfun(const char *response, int *fun, GError **error)
{
  g_autoptr(GPtrArray) f = first_fields(response, "+CFUN:");

  if (!f || !parse_int_field(f, 0, fun) || *fun > 255)
    return fail(error, "+CFUN?", response);
  return TRUE;
}

GBytes *
mmd_at_parse_crsm(const char *response, GError **error)
{
  g_autoptr(GPtrArray) f = first_fields(response, "+CRSM:");
  g_autoptr(GByteArray) bytes = g_byte_array_new();
  const char *hex;
  int sw1 = 0, sw2 = 0;
  gsize len;

  if (!f || f->len < 3 || !parse_int_field(f, 0, &sw1) || !parse_int_field(f, 1, &sw2))
    goto bad;
  hex = field(f, 2);
  len = strlen(hex);
  /* 0x90 0x00 is success; 0x91 XX is success with a proactive command pending */
  if ((sw1 != 0x90 && sw1 != 0x91) || len == 0 || len % 2 != 0)
    goto bad;
  for (gsize i = 0; i < len; i += 2) {
    int hi = g_ascii_xdigit_value(hex[i]), lo = g_ascii_xdigit_value(hex[i + 1]);
    guint8 b;

    if (hi < 0 || lo < 0)
      goto bad;
    b = (guint8)(hi << 4 | lo);
    g_byte_array_append(bytes, &b, 1);
  }
  return g_byte_array_free_to_bytes(g_steal_pointer(&bytes));
bad:
  fail(error, "+CRSM", response);
  return NULL;
}

char **
mmd_at_parse_cnum(const char *response, GError **error)
{
  static const char *const prefixes[] = { "+CNUM:", NULL };
  g_auto(GStrv) lines = response_lines(response);
  GPtrArray *numbers = g_ptr_array_new();

  for (guint i = 0; lines[i]; i++) {
    const char *v = mmd_at_strip_prefix(lines[i], prefixes);
    g_autoptr(GPtrArray) f = v ? mmd_at_split_fields(v, NULL, NULL) : NULL;
    const char *num;
    gboolean ok;

    if (!f || f->len < 2)
      continue;
    num = field(f, 1);
    ok = *num != '\0';
    for (const char *p = num; ok && *p; p++)
      ok = g_ascii_isdigit(*p) || (*p == '+' && p == num) || *p == '*' || *p == '#';
    if (ok)
      g_ptr_array_add(numbers, g_strdup(num));
  }
  g_ptr_array_add(numbers, NULL);
  return (char **)g_ptr_array_free(numbers, FALSE);
}

/* 27.007 section 5.9 */
static const struct {
  int value;
  guint modes;
} ws46_modes[] = {
  { 12, MMD_MODEM_MODE_2G },
  { 22, MMD_MODEM_MODE_3G },
  { 25, MMD_MODEM_MODE_2G | MMD_MODEM_MODE_3G | MMD_MODEM_MODE_4G },
  { 28, MMD_MODEM_MODE_4G },
  { 29, MMD_MODEM_MODE_2G | MMD_MODEM_MODE_3G },
  { 30, MMD_MODEM_MODE_2G | MMD_MODEM_MODE_4G },
  { 31, MMD_MODEM_MODE_3G | MMD_MODEM_MODE_4G },
  { 35, MMD_MODEM_MODE_2G | MMD_MODEM_MODE_3G | MMD_MODEM_MODE_4G | MMD_MODEM_MODE_5G },
  { 36, MMD_MODEM_MODE_5G },
  { 37, MMD_MODEM_MODE_4G | MMD_MODEM_MODE_5G },
  { 38, MMD_MODEM_MODE_3G | MMD_MODEM_MODE_4G | MMD_MODEM_MODE_5G },
  { 39, MMD_MODEM_MODE_2G | MMD_MODEM_MODE_4G | MMD_MODEM_MODE_5G },
  { 40, MMD_MODEM_MODE_3G | MMD_MODEM_MODE_5G },
  { 41, MMD_MODEM_MODE_2G | MMD_MODEM_MODE_3G | MMD_MODEM_MODE_5G },
  { 42, MMD_MODEM_MODE_2G | MMD_MODEM_MODE_5G },
};

guint
mmd_at_ws46_to_modes(int value)
{
  for (gsize i = 0; i < G_N_ELEMENTS(ws46_modes); i++)
    if (ws46_modes[i].value == value)
      return ws46_modes[i].modes;
  return 0;
}

int
mmd_at_modes_to_ws46(guint modes)
{
  for (gsize i = 0; i < G_N_ELEMENTS(ws46_modes); i++)
    if (ws46_modes[i].modes == modes)
      return ws46_modes[i].value;
  return -1;
}

GArray *
mmd_at_parse_ws46_test(const char *response, GError **error)
{
  static const char *const prefixes[] = { "+WS46:", NULL };
  g_auto(GStrv) lines = response_lines(response);

  for (guint i = 0; lines[i]; i++) {
    const char *v = mmd_at_strip_prefix(lines[i], prefixes);
    g_autoptr(GArray) values = NULL;
    const char *p;

    if (!v)
      continue;
    values = g_array_new(FALSE, FALSE, sizeof(int));
    p = v;
    while (*p) {
      gulong a = 0, b;
      int digits = 0;

      if (*p == '(' || *p == ')' || *p == ',' || *p == ' ') {
        p++;
        continue;
      }
      while (g_ascii_isdigit(*p) && digits < 4) {
        a = a * 10 + (gulong)(*p++ - '0');
        digits++;
      }
      if (digits == 0 || g_ascii_isdigit(*p))
        break;
      b = a;
      if (*p == '-') {
        p++;
        b = 0;
        digits = 0;
        while (g_ascii_isdigit(*p) && digits < 4) {
          b = b * 10 + (gulong)(*p++ - '0');
          digits++;
        }
        if (digits == 0 || b < a || b - a > 100)
          break;
      }
      for (gulong x = a; x <= b; x++) {
        int iv = (int)x;
        g_array_append_val(values, iv);
      }
    }
    if (*p == '\0' && values->len > 0)
      return g_steal_pointer(&values);
    break;
  }
  fail(error, "+WS46=?", response);
  return NULL;
}

gboolean
mmd_at_parse_ws46_read(const char *response, int *value, GError **error)
{
  g_autoptr(GPtrArray) f = first_fields(response, "+WS46:");

  if (!f || !parse_int_field(f, 0, value) || *value > 255)
    return fail(error, "+WS46?", response);
  return TRUE;
}

/* 27.007 section 9.2 verbose texts */
static const struct {
  int code;
  const char *text;
} cme_texts[] = {
  { 0, "phone failure" },
  { 1, "no connection to phone" },
  { 2, "phone-adaptor link reserved" },
  { 3, "operation not allowed" },
  { 4, "operation not supported" },
  { 5, "PH-SIM PIN required" },
  { 6, "PH-FSIM PIN required" },
  { 7, "PH-FSIM PUK required" },
  { 10, "SIM not inserted" },
  { 11, "SIM PIN required" },
  { 12, "SIM PUK required" },
  { 13, "SIM failure" },
  { 14, "SIM busy" },
  { 15, "SIM wrong" },
  { 16, "incorrect password" },
  { 17, "SIM PIN2 required" },
  { 18, "SIM PUK2 required" },
  { 20, "memory full" },
  { 21, "invalid index" },
  { 22, "not found" },
  { 23, "memory failure" },
  { 24, "text string too long" },
  { 25, "invalid characters in text string" },
  { 26, "dial string too long" },
  { 27, "invalid characters in dial string" },
  { 30, "no network service" },
  { 31, "network timeout" },
  { 32, "network not allowed - emergency calls only" },
  { 40, "network personalization PIN required" },
  { 41, "network personalization PUK required" },
  { 42, "network subset personalization PIN required" },
  { 43, "network subset personalization PUK required" },
  { 44, "service provider personalization PIN required" },
  { 45, "service provider personalization PUK required" },
  { 46, "corporate personalization PIN required" },
  { 47, "corporate personalization PUK required" },
  { 100, "unknown" },
  { 103, "Illegal MS" },
  { 106, "Illegal ME" },
  { 107, "GPRS services not allowed" },
  { 111, "PLMN not allowed" },
  { 112, "Location area not allowed" },
  { 113, "Roaming not allowed in this location area" },
  { 132, "service option not supported" },
  { 133, "requested service option not subscribed" },
  { 134, "service option temporarily out of order" },
  { 148, "unspecified GPRS error" },
  { 149, "PDP authentication failure" },
  { 150, "invalid mobile class" },
};

/* Extra spellings seen in the wild */
static const struct {
  int code;
  const char *text;
} cme_aliases[] = {
  { 10, "SIM not present" },     { 16, "Incorrect PIN" }, { 16, "wrong password" },
  { 32, "network not allowed" }, { 30, "no network" },    { 3, "not allowed" },
  { 4, "not supported" },
};

static gboolean
text_matches(const char *a, const char *b)
{
  /* case-insensitive, treating '-', '_' and ' ' alike */
  for (;; a++, b++) {
    char x = g_ascii_tolower(*a), y = g_ascii_tolower(*b);

    if (x == '-' || x == '_')
      x = ' ';
    if (y == '-' || y == '_')
      y = ' ';
    if (x != y)
      return FALSE;
    if (!x)
      return TRUE;
  }
}

GError *
mmd_at_parse_cme_error(const char *line)
{
  static const char *const prefixes[] = { "+CME ERROR:", NULL };
  const char *v = line ? mmd_at_strip_prefix(line, prefixes) : NULL;
  g_autofree char *text = NULL;
  gulong n;
  int code = -1;

  if (!v)
    return NULL;
  text = unquote_dup(v);
  if (parse_uint(text, 10, 100000, &n)) {
    for (gsize i = 0; i < G_N_ELEMENTS(cme_texts); i++)
      if (cme_texts[i].code == (int)n) {
        code = (int)n;
        break;
      }
    if (code < 0)
      return g_error_new(MMD_MOBILE_EQUIPMENT_ERROR, MMD_MOBILE_EQUIPMENT_ERROR_UNKNOWN,
                         "+CME ERROR: %lu", n);
  } else {
    for (gsize i = 0; i < G_N_ELEMENTS(cme_texts) && code < 0; i++)
      if (text_matches(text, cme_texts[i].text))
        code = cme_texts[i].code;
    for (gsize i = 0; i < G_N_ELEMENTS(cme_aliases) && code < 0; i++)
      if (text_matches(text, cme_aliases[i].text))
        code = cme_aliases[i].code;
    if (code < 0)
      return g_error_new(MMD_MOBILE_EQUIPMENT_ERROR, MMD_MOBILE_EQUIPMENT_ERROR_UNKNOWN,
                         "+CME ERROR: %.80s", text);
  }
  for (gsize i = 0; i < G_N_ELEMENTS(cme_texts); i++)
    if (cme_texts[i].code == code)
      return g_error_new(MMD_MOBILE_EQUIPMENT_ERROR, code, "%s", cme_texts[i].text);
  return g_error_new(MMD_MOBILE_EQUIPMENT_ERROR, MMD_MOBILE_EQUIPMENT_ERROR_UNKNOWN, "unknown");
}
