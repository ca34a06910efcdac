/* Cell broadcast pages and their assembly. */
#include "cbs-assembly.h"
#include "codec-error.h"
#include "codec-test-util.h"
#include "codec-vectors.h"
#include "ucs2.h"

static MmdCbsPage *
decode_hex(const char *hex)
{
  g_autoptr(GBytes) bytes = hex_bytes(hex);
  g_autoptr(GError) error = NULL;
  MmdCbsPage *page
      = mmd_cbs_page_decode(g_bytes_get_data(bytes, NULL), g_bytes_get_size(bytes), &error);

  g_assert_no_error(error);
  g_assert_nonnull(page);
  return page;
}

static MmdCbsPage *
decode_vector(const char *name)
{
  for (gsize i = 0; i < G_N_ELEMENTS(cbs_vectors); i++) {
    if (g_str_equal(cbs_vectors[i].name, name))
      return decode_hex(cbs_vectors[i].hex);
  }
  g_assert_not_reached();
}

static void
test_gsm7_padded(void)
{
  g_autoptr(MmdCbsPage) page = decode_vector("cbs-gsm7-padded");

  g_assert_cmpuint(page->serial, ==, 0xC000);
  g_assert_cmpint(page->scope, ==, MMD_CBS_SCOPE_CELL);
  g_assert_cmpuint(page->message_code, ==, 0);
  g_assert_cmpuint(page->update_number, ==, 0);
  g_assert_cmpuint(page->message_id, ==, 50);
  g_assert_cmpuint(page->page, ==, 1);
  g_assert_cmpuint(page->pages, ==, 1);
  g_assert_cmpstr(page->language, ==, "");
  g_assert_cmpstr(page->text, ==, "A GSM default alphabet message with carriage return padding");
}

static void
test_gsm7_full(void)
{
  g_autoptr(MmdCbsPage) page = decode_vector("cbs-gsm7-full");

  g_assert_cmpstr(page->text, ==,
                  "A GSM default alphabet message being exactly 93 characters long, "
                  "meaning there is no padding!");
}

static void
test_languages(void)
{
  g_autoptr(MmdCbsPage) in_text = decode_vector("cbs-gsm7-language-in-text");
  g_autoptr(MmdCbsPage) ucs2_in_text = decode_vector("cbs-ucs2-language-in-text");
  g_autofree char *spanish_hex = g_strdup(cbs_vectors[0].hex);
  g_autoptr(MmdCbsPage) spanish = NULL;

  g_assert_cmpstr(in_text->language, ==, "sv");
  g_assert_cmpstr(in_text->text, ==, "A GSM default alphabet message with carriage return padding");
  g_assert_cmpstr(ucs2_in_text->language, ==, "xx");
  g_assert_cmpstr(ucs2_in_text->text, ==, "A UCS2 message containing a д character");
  /* DCS 0x04: group 0000, language 0100. */
  spanish_hex[8] = '0';
  spanish_hex[9] = '4';
  spanish = decode_hex(spanish_hex);
  g_assert_cmpstr(spanish->language, ==, "es");
  g_assert_cmpstr(spanish->text, ==, "A GSM default alphabet message with carriage return padding");
}

static void
test_ucs2(void)
{
  g_autoptr(MmdCbsPage) page = decode_vector("cbs-ucs2");

  g_assert_cmpint(page->dcs.alphabet, ==, MMD_ALPHABET_UCS2);
  g_assert_cmpstr(page->text, ==, "A UCS2 message containing a д character");
}

/* A UCS-2 page of channel 4370 (0x1112), serial 0x3021, padded with CR. */
static GBytes *
ucs2_page(guint8 page_parameter, const char *text)
{
  g_autoptr(GByteArray) units = mmd_ucs2_from_utf8(text, NULL);
  guint8 page[MMD_CBS_PAGE_LEN] = { 0x30, 0x21, 0x11, 0x12, 0x48, page_parameter };

  g_assert_cmpuint(units->len, <=, MMD_CBS_CONTENT_LEN);
  memcpy(page + MMD_CBS_HEADER_LEN, units->data, units->len);
  for (gsize i = MMD_CBS_HEADER_LEN + units->len; i + 1 < sizeof(page); i += 2) {
    page[i] = 0x00;
    page[i + 1] = 0x0D;
  }
  return g_bytes_new(page, sizeof(page));
}

static MmdCbsPage *
decode_bytes(GBytes *bytes)
{
  return mmd_cbs_page_decode(g_bytes_get_data(bytes, NULL), g_bytes_get_size(bytes), NULL);
}

static void
test_two_page_ucs2_assembly(void)
{
  /* 41 UCS-2 units (the emoji takes two) fill page 1 exactly. */
  const char *text1 = "Внимание! Сильный ветер 😀 до 30 м/с. Ост";
  g_autoptr(GBytes) bytes1 = ucs2_page(0x12, text1);
  g_autoptr(GBytes) bytes2 = ucs2_page(0x22, "авайтесь дома.");
  g_autoptr(MmdCbsPage) page1 = decode_bytes(bytes1);
  g_autoptr(MmdCbsPage) page2 = decode_bytes(bytes2);
  g_autoptr(MmdCbsAssembly) assembly = mmd_cbs_assembly_new();
  g_autoptr(MmdCbsMessage) message = NULL;
  g_autoptr(MmdCbsMessage) repeat = NULL;

  g_assert_cmpuint(page2->page, ==, 2);
  g_assert_cmpuint(page2->pages, ==, 2);
  g_assert_cmpuint(page1->message_id, ==, 4370);
  g_assert_cmpint(page1->scope, ==, MMD_CBS_SCOPE_CELL_IMMEDIATE);
  g_assert_cmpuint(page1->message_code, ==, 0x302);
  g_assert_cmpuint(page1->update_number, ==, 1);
  g_assert_cmpstr(page1->text, ==, text1);

  g_assert_null(mmd_cbs_assembly_add(assembly, page2, 10));
  g_assert_null(mmd_cbs_assembly_add(assembly, page2, 11));
  message = mmd_cbs_assembly_add(assembly, page1, 12);
  g_assert_nonnull(message);
  g_assert_true(mmd_cbs_message_is_complete(message));
  g_assert_cmpstr(message->text, ==, "Внимание! Сильный ветер 😀 до 30 м/с. Оставайтесь дома.");
  g_assert_cmpuint(message->total_pages, ==, 2);
  /* The network repeats the broadcast: delivered once. */
  g_assert_null(mmd_cbs_assembly_add(assembly, page1, 30));
  repeat = mmd_cbs_assembly_add(assembly, page2, 31);
  g_assert_null(repeat);
}

static void
test_missing_page(void)
{
  g_autoptr(GBytes) bytes = ucs2_page(0x13, "first");
  g_autoptr(MmdCbsPage) page = decode_bytes(bytes);
  g_autoptr(MmdCbsAssembly) assembly = mmd_cbs_assembly_new();
  g_autoptr(GPtrArray) flushed = NULL;
  MmdCbsMessage *message;

  g_assert_null(mmd_cbs_assembly_add(assembly, page, 0));
  flushed = mmd_cbs_assembly_flush(assembly, 300, 300);
  g_assert_cmpuint(flushed->len, ==, 1);
  message = flushed->pdata[0];
  g_assert_cmpstr(message->text, ==, "first[page 2 of 3 missing][page 3 of 3 missing]");
  g_assert_cmpuint(message->missing_pages->len, ==, 2);
}

static void
test_refused(void)
{
  static const guint8 short_header[5] = { 0 };
  guint8 long_page[MMD_CBS_PAGE_LEN + 1] = { 0 };
  guint8 bad_page[MMD_CBS_PAGE_LEN] = { 0, 0, 0, 50, 0x0F, 0x32 };
  guint8 compressed[MMD_CBS_PAGE_LEN] = { 0, 0, 0, 50, 0x60, 0x11 };
  guint8 zero_pages[MMD_CBS_PAGE_LEN] = { 0, 0, 0, 50, 0x0F, 0x00 };
  g_autoptr(MmdCbsPage) one_of_one = NULL;
  GError *error = NULL;

  g_assert_null(mmd_cbs_page_decode(short_header, sizeof(short_header), &error));
  g_assert_error(error, MMD_CODEC_ERROR, MMD_CODEC_ERROR_TRUNCATED);
  g_clear_error(&error);
  g_assert_null(mmd_cbs_page_decode(long_page, sizeof(long_page), &error));
  g_assert_error(error, MMD_CODEC_ERROR, MMD_CODEC_ERROR_MALFORMED);
  g_clear_error(&error);
  g_assert_null(mmd_cbs_page_decode(bad_page, sizeof(bad_page), &error));
  g_assert_error(error, MMD_CODEC_ERROR, MMD_CODEC_ERROR_MALFORMED);
  g_clear_error(&error);
  g_assert_null(mmd_cbs_page_decode(compressed, sizeof(compressed), &error));
  g_assert_error(error, MMD_CODEC_ERROR, MMD_CODEC_ERROR_UNSUPPORTED);
  g_clear_error(&error);
  /* 23.041: a zero in the page parameter means page 1 of 1. */
  one_of_one = mmd_cbs_page_decode(zero_pages, sizeof(zero_pages), NULL);
  g_assert_cmpuint(one_of_one->page, ==, 1);
  g_assert_cmpuint(one_of_one->pages, ==, 1);
  /* 82 zero octets are 93 '@'. */
  g_assert_cmpuint(strlen(one_of_one->text), ==, 93);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/codec/cbs/gsm7-padded", test_gsm7_padded);
  g_test_add_func("/codec/cbs/gsm7-full", test_gsm7_full);
  g_test_add_func("/codec/cbs/languages", test_languages);
  g_test_add_func("/codec/cbs/ucs2", test_ucs2);
  g_test_add_func("/codec/cbs/two-page-ucs2", test_two_page_ucs2_assembly);
  g_test_add_func("/codec/cbs/missing-page", test_missing_page);
  g_test_add_func("/codec/cbs/refused", test_refused);
  return g_test_run();
}
