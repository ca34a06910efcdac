/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The simulator's SMS encoder against published PDUs (not against src/codec). */
#include "sim-sms.h"

#include <string.h>

static char *
hex(const GByteArray *bytes)
{
  GString *out = g_string_new(NULL);

  for (guint i = 0; i < bytes->len; i++)
    g_string_append_printf(out, "%02X", bytes->data[i]);
  return g_string_free(out, FALSE);
}

static GByteArray *
unhex(const char *text)
{
  GByteArray *out = g_byte_array_new();

  for (gsize i = 0; text[i] && text[i + 1]; i += 2) {
    guint8 byte = (guint8)(g_ascii_xdigit_value(text[i]) << 4 | g_ascii_xdigit_value(text[i + 1]));
    g_byte_array_append(out, &byte, 1);
  }
  return out;
}

static void
test_deliver_gsm7(void)
{
  /* A published SMS-DELIVER: "hellohello" from +18005551212, 2011-01-01 12:34:56 UTC. */
  SimSmsDeliver deliver = {
    .smsc = "+12345678901",
    .originator = "+18005551212",
    .text = "hellohello",
    .timestamp = { 2011, 1, 1, 12, 34, 56, 0 },
  };
  g_autoptr(GPtrArray) pdus = sim_sms_encode_deliver(&deliver);
  g_autofree char *got = hex(pdus->pdata[0]);

  g_assert_cmpuint(pdus->len, ==, 1);
  g_assert_cmpstr(got, ==,
                  "07912143658709F1040B918100551512F20000111010214365000AE8329BFD4697D9EC37");
}

static void
test_deliver_concatenated(void)
{
  /* A real two-part message (reference 0x4C) from a US network, -04:00. */
  SimSmsDeliver deliver = {
    .smsc = "+12063130025",
    .originator = "+16170546925",
    .text = "This is a very long test designed to exercise multi part capability. It should "
            "show up as one message, not as two, as the underlying encoding represents that the "
            "parts are related to one another. ",
    .timestamp = { 2012, 4, 25, 19, 56, 50, -240 },
    .reference = 0x4C,
  };
  g_autoptr(GPtrArray) pdus = NULL;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;

  deliver.originator = "+16175046925";
  pdus = sim_sms_encode_deliver(&deliver);
  g_assert_cmpuint(pdus->len, ==, 2);
  first = hex(pdus->pdata[0]);
  second = hex(pdus->pdata[1]);
  /* That network set its fill bit (A9, not A8): 23.040 says fill bits are zero. */
  g_assert_cmpstr(first, ==,
                  "07912160130320F5440B916171056429F5000021405291650569A00500034C0201A8E8F41C949E"
                  "83C2207B599E07B1DFEE33885E9ED341E4F23C7D7697C920FA1B54C697E5E3F4BC0C6AD7D9F434"
                  "081E96D341E3303C2C4EB3D3F4BC0B94A483E6E8779D4D06CDD1EF3BA80E0785E7A0B7BB0C6A97"
                  "E7F3F0B9CC02B9DF7450780EA2DFDF2C50780EA2A3CBA0BA9B5C96B3F369F71954768FDFE4B4FB"
                  "0C9297E1F2F2BCECA6CF41");
  /* The network sent part 2 a second later from another SMSC: compare from the
   * UDL, with the fill bit zero again. */
  const char *expected_tail = "320500034C0202E8E8301D44479741F0B09C3E0785E56590BCCC0ED3CB6410FD0D"
                              "7ABBCBA0B0FB4D4797E52E10";

  g_assert_cmpuint(strlen(second), >, strlen(expected_tail));
  g_assert_cmpstr(second + strlen(second) - strlen(expected_tail), ==, expected_tail);
}

static void
test_deliver_ucs2_emoji(void)
{
  /* 23.040 layout by hand: "Hi 😀" as UTF-16 with its surrogate pair. */
  SimSmsDeliver deliver = {
    .originator = "+46708251358",
    .text = "Hi 😀",
    .timestamp = { 2026, 11, 30, 12, 0, 0, 60 },
  };
  g_autoptr(GPtrArray) pdus = sim_sms_encode_deliver(&deliver);
  g_autofree char *got = hex(pdus->pdata[0]);

  g_assert_cmpstr(got, ==, "00040B916407281553F80008621103210000400A004800690020D83DDE00");
}

static void
test_deliver_splits_safely(void)
{
  g_autoptr(GString) text = g_string_new(NULL);
  SimSmsDeliver deliver = { .originator = "123", .timestamp = { 2026, 1, 1, 0, 0, 0, 0 } };
  g_autoptr(GPtrArray) pdus = NULL;
  GByteArray *first;

  for (guint i = 0; i < 152; i++)
    g_string_append_c(text, 'a');
  g_string_append(text, "€bbbbbbbbbb");
  deliver.text = text->str;
  pdus = sim_sms_encode_deliver(&deliver);
  g_assert_cmpuint(pdus->len, ==, 2);
  /* UDL of part 1: 7 header septets + 152, the escape moved to part 2. */
  first = pdus->pdata[0];
  g_assert_cmpuint(first->data[1 + 1 + 4 + 1 + 1 + 7], ==, 7 + 152);
}

static void
test_status_report(void)
{
  /* A real status report (Spain): reference 0x5A, status 0x30. */
  SimSmsTime t = { 2012, 9, 11, 7, 40, 36, 120 };
  g_autoptr(GByteArray) pdu
      = sim_sms_encode_status_report("+34656000311", 0x5A, "639337937", 0x30, &t, &t);
  g_autofree char *got = hex(pdu);

  g_assert_cmpstr(got, ==, "07914356060013F1065A098136397339F7219011700463802190117004638030");
}

static void
test_decode_submit(void)
{
  /* Published SMS-SUBMITs: GSM 7-bit with Greek capitals, UCS-2, and one with a
   * concatenation header built from 23.040 ("Hi" after one fill bit). */
  g_autoptr(GByteArray) gsm = unhex("0011000B915155551532F400000036C834888E2ECBCB2E978B5A2F83623"
                                    "73A1AA40CBB4132584C0682D57433982B8603C1DB20D4B1495DC552200804"
                                    "028100");
  g_autoptr(GByteArray) ucs2 = unhex("07919130079229F011000B915155551532F40008003A04140430002004"
                                     "370434044004300432044104420432044304350442002004"
                                     "3A043E0440043E043B044C002C0020043404350442043A04300021");
  g_autoptr(GByteArray) concat = unhex("0041000B915155551532F40000090500030702019069");
  SimSmsSubmit submit;

  g_assert_true(sim_sms_decode_submit(gsm->data, gsm->len, TRUE, &submit));
  g_assert_cmpstr(submit.destination, ==, "+15555551234");
  g_assert_cmpstr(submit.text, ==, "Hi there...Tue 17th Jan 2012 05:30.18 pm (GMT+1) ΔΔΔΔΔ");
  g_assert_false(submit.concatenated);
  sim_sms_submit_clear(&submit);

  g_assert_true(sim_sms_decode_submit(ucs2->data, ucs2->len, TRUE, &submit));
  g_assert_cmpstr(submit.text, ==, "Да здравствует король, детка!");
  sim_sms_submit_clear(&submit);

  g_assert_true(sim_sms_decode_submit(concat->data, concat->len, TRUE, &submit));
  g_assert_true(submit.concatenated);
  g_assert_cmpuint(submit.concat_reference, ==, 7);
  g_assert_cmpuint(submit.concat_total, ==, 2);
  g_assert_cmpuint(submit.concat_sequence, ==, 1);
  g_assert_cmpstr(submit.text, ==, "Hi");
  sim_sms_submit_clear(&submit);

  /* Truncated: every shorter prefix is refused. */
  for (guint n = 0; n < concat->len; n++)
    g_assert_false(sim_sms_decode_submit(concat->data, n, TRUE, &submit));
}

static void
test_cbs_pages(void)
{
  /* Published GSM-format pages of channel 50: GSM 7-bit padded with CR (that
   * one sent with DCS 0x40, ours says 0x0F), and UCS-2. */
  g_autoptr(GPtrArray) gsm = sim_sms_encode_cbs(
      50, 0xC000, "A GSM default alphabet message with carriage return padding");
  g_autoptr(GPtrArray) ucs2
      = sim_sms_encode_cbs(50, 0xC000, "A UCS2 message containing a \u0434 character");
  g_autofree char *gsm_hex = hex(gsm->pdata[0]);
  g_autofree char *ucs2_hex = hex(ucs2->pdata[0]);
  g_autoptr(GString) long_text = g_string_new(NULL);
  g_autoptr(GPtrArray) two = NULL;

  g_assert_cmpuint(gsm->len, ==, 1);
  g_assert_cmpstr(gsm_hex, ==,
                  "C00000320F1141D071DA0491CBE6709D4D0785D97074585CA683DAE5F93C7C2E83EE693A1A340ECB"
                  "E5E9F0B90C9297E975B91B040F93C969F7B9D168341A8D46A3D168341A8D46A3D168341A8D46A3D1"
                  "68341A8D46A3D100");
  g_assert_cmpstr(ucs2_hex, ==,
                  "C000003248110041002000550043005300320020006D00650073007300610067006500200063006F"
                  "006E007400610069006E0069006E0067002000610020043400200063006800610072006100630074"
                  "00650072000D000D");
  for (guint i = 0; i < 100; i++)
    g_string_append(long_text, "ж");
  two = sim_sms_encode_cbs(4370, 0x3021, long_text->str);
  g_assert_cmpuint(two->len, ==, 3);
  g_assert_cmpuint(((GByteArray *)two->pdata[2])->data[5], ==, 0x33);
  g_assert_cmpuint(((GByteArray *)two->pdata[2])->len, ==, 88);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/sim-sms/deliver-gsm7", test_deliver_gsm7);
  g_test_add_func("/sim-sms/deliver-concatenated", test_deliver_concatenated);
  g_test_add_func("/sim-sms/deliver-ucs2-emoji", test_deliver_ucs2_emoji);
  g_test_add_func("/sim-sms/deliver-splits-safely", test_deliver_splits_safely);
  g_test_add_func("/sim-sms/status-report", test_status_report);
  g_test_add_func("/sim-sms/decode-submit", test_decode_submit);
  g_test_add_func("/sim-sms/cbs-pages", test_cbs_pages);
  return g_test_run();
}
