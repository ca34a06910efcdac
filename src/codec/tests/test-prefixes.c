/* Every prefix of every vector, and every one-octet corruption of it, decodes
 * to a codec error or a result whose strings are valid UTF-8 (run under ASan
 * to also prove no read goes past the input). */
#include "cbs-assembly.h"
#include "codec-error.h"
#include "codec-test-util.h"
#include "codec-vectors.h"
#include "sms-assembly.h"
#include "ussd.h"

static void
assert_utf8_or_null(const char *text)
{
  g_assert_true(text == NULL || g_utf8_validate(text, -1, NULL));
}

static void
assert_codec_error(GError *error)
{
  g_assert_nonnull(error);
  g_assert_true(error->domain == MMD_CODEC_ERROR);
  assert_utf8_or_null(error->message);
}

static void
check_sms(MmdSmsAssembly *assembly, const guint8 *bytes, gsize len, MmdSmsPduLayout layout)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MmdSmsPdu) pdu = mmd_sms_pdu_decode(bytes, len, layout, &error);
  g_autoptr(MmdSmsMessage) message = NULL;

  if (!pdu) {
    assert_codec_error(error);
    return;
  }
  g_assert_no_error(error);
  g_assert_true(pdu->text || pdu->data);
  assert_utf8_or_null(pdu->text);
  assert_utf8_or_null(pdu->address);
  assert_utf8_or_null(pdu->smsc);
  assert_utf8_or_null(pdu->timestamp);
  assert_utf8_or_null(pdu->discharge_time);
  assert_utf8_or_null(pdu->validity.absolute);
  message = mmd_sms_assembly_add(assembly, pdu, 0);
  if (message)
    assert_utf8_or_null(message->text);
}

static void
check_cbs(MmdCbsAssembly *assembly, const guint8 *bytes, gsize len)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MmdCbsPage) page = mmd_cbs_page_decode(bytes, len, &error);
  g_autoptr(MmdCbsMessage) message = NULL;

  if (!page) {
    assert_codec_error(error);
    return;
  }
  g_assert_true(page->page >= 1 && page->page <= page->pages);
  assert_utf8_or_null(page->text);
  g_assert_true(g_utf8_validate(page->language, -1, NULL));
  message = mmd_cbs_assembly_add(assembly, page, 0);
  if (message)
    assert_utf8_or_null(message->text);
}

static void
check_ussd(const guint8 *bytes, gsize len)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = len ? mmd_ussd_decode(bytes + 1, len - 1, bytes[0], &error) : NULL;

  if (len && !text)
    assert_codec_error(error);
  assert_utf8_or_null(text);
}

typedef void (*CheckFunc)(const guint8 *bytes, gsize len, gpointer user_data);

/* Runs @check on each prefix of @hex and on each prefix with one octet set to
 * 0x00, 0xFF or its top bit flipped. Prefixes are copied so that ASan sees
 * their true end. */
static void
for_each_variant(const char *hex, CheckFunc check, gpointer user_data)
{
  g_autoptr(GBytes) bytes = hex_bytes(hex);
  gsize len;
  const guint8 *data = g_bytes_get_data(bytes, &len);

  for (gsize n = 0; n <= len; n++) {
    /* Exactly n octets (none for n = 0), so ASan flags any read past them. */
    g_autofree guint8 *prefix = g_malloc(n);

    if (n)
      memcpy(prefix, data, n);
    check(prefix, n, user_data);
    for (gsize i = 0; i < n; i++) {
      const guint8 original = prefix[i];
      const guint8 replacements[] = { 0x00, 0xFF, original ^ 0x80 };

      for (guint r = 0; r < G_N_ELEMENTS(replacements); r++) {
        prefix[i] = replacements[r];
        check(prefix, n, user_data);
      }
      prefix[i] = original;
    }
  }
}

static void
check_sms_both_layouts(const guint8 *bytes, gsize len, gpointer assembly)
{
  check_sms(assembly, bytes, len, MMD_SMS_PDU_WITH_SMSC);
  check_sms(assembly, bytes, len, MMD_SMS_PDU_TPDU_ONLY);
}

static void
check_cbs_variant(const guint8 *bytes, gsize len, gpointer assembly)
{
  check_cbs(assembly, bytes, len);
}

static void
check_ussd_variant(const guint8 *bytes, gsize len, gpointer unused)
{
  check_ussd(bytes, len);
}

static void
test_sms_prefixes(void)
{
  g_autoptr(MmdSmsAssembly) assembly = mmd_sms_assembly_new();
  g_autoptr(GPtrArray) rest = NULL;

  for (gsize i = 0; i < G_N_ELEMENTS(sms_with_smsc_vectors); i++)
    for_each_variant(sms_with_smsc_vectors[i].hex, check_sms_both_layouts, assembly);
  for (gsize i = 0; i < G_N_ELEMENTS(sms_tpdu_vectors); i++)
    for_each_variant(sms_tpdu_vectors[i].hex, check_sms_both_layouts, assembly);
  rest = mmd_sms_assembly_flush(assembly, 1, 0);
  for (guint i = 0; i < rest->len; i++)
    assert_utf8_or_null(((MmdSmsMessage *)rest->pdata[i])->text);
  g_assert_cmpuint(mmd_sms_assembly_pending(assembly), ==, 0);
}

static void
test_cbs_prefixes(void)
{
  g_autoptr(MmdCbsAssembly) assembly = mmd_cbs_assembly_new();
  g_autoptr(GPtrArray) rest = NULL;

  for (gsize i = 0; i < G_N_ELEMENTS(cbs_vectors); i++)
    for_each_variant(cbs_vectors[i].hex, check_cbs_variant, assembly);
  rest = mmd_cbs_assembly_flush(assembly, 1, 0);
  for (guint i = 0; i < rest->len; i++)
    assert_utf8_or_null(((MmdCbsMessage *)rest->pdata[i])->text);
}

static void
test_ussd_prefixes(void)
{
  for (gsize i = 0; i < G_N_ELEMENTS(ussd_vectors); i++)
    for_each_variant(ussd_vectors[i].hex, check_ussd_variant, NULL);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/codec/prefixes/sms", test_sms_prefixes);
  g_test_add_func("/codec/prefixes/cbs", test_cbs_prefixes);
  g_test_add_func("/codec/prefixes/ussd", test_ussd_prefixes);
  return g_test_run();
}
