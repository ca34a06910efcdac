/* Network registration and operators from 27.007 responses. */
#include "at-parse-network.h"

#include <stdlib.h>
#include <string.h>

#include "at-parse-common.h"

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

/* An optional hex field up to max; absent or empty leaves *out alone. */
static gboolean
optional_hex(GPtrArray *f, guint i, guint64 max, guint64 *out)
{
  const char *s = mmd_at_field(f, i);

  return !s || !*s || mmd_at_parse_uint(s, 16, max, out);
}

/* The fields after the prefix of the first line of text. */
static GPtrArray *
registration_fields(const char *line, GArray **quoted)
{
  static const char *const prefixes[] = { "+CREG:", "+CGREG:", "+CEREG:", "+C5GREG:", NULL };
  g_autofree char *first = g_strndup(line, strcspn(line, "\r\n"));
  const char *v = mmd_at_strip_prefix(g_strstrip(first), prefixes);
  GPtrArray *f = v ? mmd_at_split_fields(v, quoted, NULL) : NULL;

  if (f && f->len == 0)
    g_clear_pointer(&f, g_ptr_array_unref);
  return f;
}

gboolean
mmd_at_parse_registration(const char *line, MmdAtRegistration *reg, GError **error)
{
  g_autoptr(GPtrArray) f = NULL;
  g_autoptr(GArray) q = NULL;
  guint64 lac = 0, ci = 0;
  guint i = 0;

  memset(reg, 0, sizeof *reg);
  reg->n = -1;
  reg->act = -1;
  /* the read command's response may come with others in one block: take the first line */
  if (!line || !(f = registration_fields(line, &q)))
    return mmd_at_parse_fail(error, "registration", line);

  /* Solicited: n,stat[,...]: the first two fields are small unquoted numbers.
   * Unsolicited: stat[,lac,ci[,act]]: lac is quoted or a longer hex number. */
  if (f->len >= 2 && looks_like_small_int(mmd_at_field(f, 0), FALSE)
      && looks_like_small_int(mmd_at_field(f, 1), g_array_index(q, gboolean, 1))) {
    if (!mmd_at_field_int(f, 0, &reg->n))
      return mmd_at_parse_fail(error, "registration", line);
    i = 1;
  }
  if (!mmd_at_field_int(f, i, &reg->stat) || reg->stat > 11
      || !optional_hex(f, i + 1, MMD_AT_LAC_MAX, &lac)
      || !optional_hex(f, i + 2, MMD_AT_CI_MAX, &ci))
    return mmd_at_parse_fail(error, "registration", line);
  reg->lac = (guint32)lac;
  reg->ci = ci;
  if (i + 3 < f->len && *mmd_at_field(f, i + 3) && !mmd_at_field_int(f, i + 3, &reg->act))
    return mmd_at_parse_fail(error, "registration", line);
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

/* UCS2 as hex digits, 4 per character, as modems send names with
 * +CSCS="UCS2"; NULL when name is not that or decodes to control characters. */
static char *
decode_ucs2_hex(const char *name, gsize n)
{
  g_autofree gunichar2 *u = NULL;

  if (n < 8 || n % 4 != 0)
    return NULL;
  for (gsize i = 0; i < n; i++)
    if (!g_ascii_isxdigit(name[i]))
      return NULL;
  u = g_new0(gunichar2, n / 4 + 1);
  for (gsize i = 0; i < n / 4; i++) {
    char buf[5];

    memcpy(buf, name + i * 4, 4);
    buf[4] = '\0';
    u[i] = (gunichar2)strtoul(buf, NULL, 16);
    if (u[i] < 0x20 || u[i] == 0x7f)
      return NULL;
  }
  return g_utf16_to_utf8(u, (glong)(n / 4), NULL, NULL, NULL);
}

char *
mmd_at_decode_name(const char *name)
{
  g_autofree char *ucs2 = name ? decode_ucs2_hex(name, strlen(name)) : NULL;

  return mmd_at_text(ucs2 ? ucs2 : name);
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

gboolean
mmd_at_parse_cops_read(const char *response, int *mode, int *format, char **oper, int *act,
                       GError **error)
{
  static const char *const prefixes[] = { "+COPS:", NULL };
  g_auto(GStrv) lines = mmd_at_response_lines(response);

  *format = *act = -1;
  *oper = NULL;
  for (guint i = 0; lines[i]; i++) {
    const char *v = mmd_at_strip_prefix(lines[i], prefixes);
    g_autoptr(GPtrArray) f = v ? mmd_at_split_fields(v, NULL, NULL) : NULL;

    if (!f || !mmd_at_field_int(f, 0, mode) || *mode > 4)
      continue;
    if (f->len >= 3 && *mmd_at_field(f, 1) && *mmd_at_field(f, 2)) {
      const char *name = mmd_at_field(f, 2);

      if (!mmd_at_field_int(f, 1, format) || *format > 2)
        return mmd_at_parse_fail(error, "+COPS?", response);
      if (*format != 2)
        *oper = mmd_at_decode_name(name);
      else if (is_operator_code(name))
        *oper = g_strdup(name);
      if (f->len >= 4 && *mmd_at_field(f, 3) && !mmd_at_field_int(f, 3, act))
        *act = -1;
    }
    return TRUE;
  }
  return mmd_at_parse_fail(error, "+COPS?", response);
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

/* One "(stat,long,short,code[,act])" group of +COPS=?, or NULL. */
static MmdAtOperator *
parse_operator_group(const char *grp)
{
  gsize n = strlen(grp);
  g_autofree char *inner = NULL;
  g_autoptr(GPtrArray) f = NULL;
  MmdAtOperator *op;
  int stat;

  if (n < 2 || grp[0] != '(' || grp[n - 1] != ')')
    return NULL;
  inner = g_strndup(grp + 1, n - 2);
  f = mmd_at_split_fields(inner, NULL, NULL);
  if (!f || f->len < 4 || !mmd_at_field_int(f, 0, &stat) || stat > 3
      || !is_operator_code(mmd_at_field(f, 3)))
    return NULL;
  op = g_new0(MmdAtOperator, 1);
  op->status = (guint)stat;
  op->long_name = mmd_at_decode_name(mmd_at_field(f, 1));
  op->short_name = mmd_at_decode_name(mmd_at_field(f, 2));
  op->code = g_strdup(mmd_at_field(f, 3));
  op->act = -1;
  if (f->len >= 5 && *mmd_at_field(f, 4) && !mmd_at_field_int(f, 4, &op->act))
    op->act = -1;
  return op;
}

GPtrArray *
mmd_at_parse_cops_test(const char *response, GError **error)
{
  static const char *const prefixes[] = { "+COPS:", NULL };
  g_autoptr(GPtrArray) ops = g_ptr_array_new_with_free_func((GDestroyNotify)mmd_at_operator_free);
  g_auto(GStrv) lines = mmd_at_response_lines(response);
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
      MmdAtOperator *op;

      if (*grp == '\0')
        break; /* ",," ends the operator list; supported modes/formats follow */
      if ((op = parse_operator_group(grp)))
        g_ptr_array_add(ops, op);
    }
  }
  if (!seen) {
    mmd_at_parse_fail(error, "+COPS=?", response);
    return NULL;
  }
  return g_steal_pointer(&ops);
}
