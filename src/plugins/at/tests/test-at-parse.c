/* 27.007 parsers against responses of real modems, in several vendors'
 * spellings, plus malformed and truncated input. */
#include <math.h>
#include <string.h>

#include "at-parse.h"
#include "mmd-errors.h"
#include "mmd-text.h"

static void
test_info(void)
{
  static const struct {
    const char *in, *out;
  } cases[] = {
    { "+CGMI: \"QUALCOMM INCORPORATED\"", "QUALCOMM INCORPORATED" },
    { "Quectel", "Quectel" },
    { "+GMI: Sierra Wireless, Incorporated", "Sierra Wireless, Incorporated" },
    { "huawei", "huawei" },
    { "\n\nManufacturer: Telit\n", "Telit" },
    { "+CGMM: \"EM7455\"", "EM7455" },
    { "EC25", "EC25" },
    { "+GMM: ME909s-120 LTE", "ME909s-120 LTE" },
    { "Model: MC7455", "MC7455" },
    { "+CGMR: 11.608.12.02.21", "11.608.12.02.21" },
    { "Revision: EC25EFAR06A03M4G", "EC25EFAR06A03M4G" },
    { "+GMR: \"SWI9X30C_02.24.05.06\"", "SWI9X30C_02.24.05.06" },
    { "SWI9X30C_02.24.05.06 r7040 CARMD-EV-FRMWR2 2017/05/19 06:23:09",
      "SWI9X30C_02.24.05.06 r7040 CARMD-EV-FRMWR2 2017/05/19 06:23:09" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autoptr(GError) error = NULL;
    g_autofree char *v = mmd_at_parse_info(cases[i].in, &error);
    g_assert_no_error(error);
    g_assert_cmpstr(v, ==, cases[i].out);
  }
  {
    g_autoptr(GError) error = NULL;
    g_assert_null(mmd_at_parse_info("\n \n", &error));
    g_assert_nonnull(error);
  }
}

static void
test_imei(void)
{
  static const char *good[] = {
    "490154203237518",       "+CGSN: 490154203237518", "+CGSN: \"490154203237518\"",
    "+GSN: 490154203237518", "\"490154203237518\"",    "IMEI: 490154203237518",
  };
  static const char *bad[] = { "", "ERROR", "+CGSN: 4901542032", "+CGSN: 49015420323751X",
                               "+CGSN: 4901542032375181234" };

  for (gsize i = 0; i < G_N_ELEMENTS(good); i++) {
    g_autoptr(GError) error = NULL;
    g_autofree char *v = mmd_at_parse_imei(good[i], &error);
    g_assert_no_error(error);
    g_assert_cmpstr(v, ==, "490154203237518");
  }
  for (gsize i = 0; i < G_N_ELEMENTS(bad); i++) {
    g_autoptr(GError) error = NULL;
    g_autofree char *v = mmd_at_parse_imei(bad[i], &error);
    g_assert_null(v);
    g_assert_nonnull(error);
  }
  {
    /* IMEISV (16 digits) is accepted */
    g_autofree char *v = mmd_at_parse_imei("3548790612345601", NULL);
    g_assert_cmpstr(v, ==, "3548790612345601");
  }
}

static void
test_imsi_iccid(void)
{
  static const struct {
    const char *in, *out;
  } iccids[] = {
    { "+CCID: 89490200001234567890", "89490200001234567890" },
    { "+CCID: \"89490200001234567890\"", "89490200001234567890" },
    { "+ICCID: 8949020000123456789F", "8949020000123456789" },
    { "^ICCID: 98942000002143658709", "89490200001234567890" },
    { "+QCCID: 89860318760240152431", "89860318760240152431" },
    { "89014103211118510720", "89014103211118510720" },
    { "+CCID: 989420000021436587F9", "8949020000123456789" },
  };
  g_autofree char *imsi = NULL;
  g_autoptr(GError) error = NULL;

  imsi = mmd_at_parse_imsi("262011234567890", &error);
  g_assert_no_error(error);
  g_assert_cmpstr(imsi, ==, "262011234567890");
  g_clear_pointer(&imsi, g_free);
  imsi = mmd_at_parse_imsi("+CIMI: \"310260000000000\"", &error);
  g_assert_cmpstr(imsi, ==, "310260000000000");
  g_assert_null(mmd_at_parse_imsi("+CME ERROR: 10", NULL));
  g_assert_null(mmd_at_parse_imsi("2620112345678901", NULL));

  for (gsize i = 0; i < G_N_ELEMENTS(iccids); i++) {
    g_autoptr(GError) e = NULL;
    g_autofree char *v = mmd_at_parse_iccid(iccids[i].in, &e);
    g_assert_no_error(e);
    g_assert_cmpstr(v, ==, iccids[i].out);
  }
  g_assert_null(mmd_at_parse_iccid("+CCID: 8949FF0000", NULL));
  g_assert_null(mmd_at_parse_iccid("+CCID: 89490200001234567890123456", NULL));
}

static void
test_cpin(void)
{
  static const struct {
    const char *in;
    MmdModemLock lock;
  } cases[] = {
    { "+CPIN: READY", MMD_MODEM_LOCK_NONE },        { "+CPIN: SIM PIN", MMD_MODEM_LOCK_SIM_PIN },
    { "+CPIN: SIM PUK", MMD_MODEM_LOCK_SIM_PUK },   { "+CPIN: SIM PIN2", MMD_MODEM_LOCK_SIM_PIN2 },
    { "+CPIN: SIM PUK2", MMD_MODEM_LOCK_SIM_PUK2 }, { "+CPIN:READY", MMD_MODEM_LOCK_NONE },
    { "+CPIN: \"READY\"", MMD_MODEM_LOCK_NONE },    { "+CPIN: PH-NET PIN", MMD_MODEM_LOCK_UNKNOWN },
  };

  for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
    MmdModemLock lock = 99;
    g_autoptr(GError) error = NULL;
    g_assert_true(mmd_at_parse_cpin(cases[i].in, &lock, &error));
    g_assert_cmpint(lock, ==, cases[i].lock);
  }
  {
    MmdModemLock lock;
    g_assert_false(mmd_at_parse_cpin("+CPIN: FOO", &lock, NULL));
    g_assert_false(mmd_at_parse_cpin("", &lock, NULL));
  }
}

static void
test_retries(void)
{
  MmdAtRetries r;
  gboolean enabled = FALSE;

  g_assert_true(mmd_at_parse_pin_retries(
      "+CPINR: SIM PIN,3,3\n+CPINR: SIM PUK,10,10\n+CPINR: SIM PIN2,2,3\n+CPINR: SIM PUK2,10,10",
      &r, NULL));
  g_assert_cmpint(r.pin, ==, 3);
  g_assert_cmpint(r.puk, ==, 10);
  g_assert_cmpint(r.pin2, ==, 2);
  g_assert_cmpint(r.puk2, ==, 10);

  g_assert_true(mmd_at_parse_pin_retries("+CPINR: \"SIM PIN\",2,3", &r, NULL));
  g_assert_cmpint(r.pin, ==, 2);
  g_assert_cmpint(r.puk, ==, -1);

  /* Quectel */
  g_assert_true(mmd_at_parse_pin_retries("+QPINC: \"SC\",3,10\n+QPINC: \"P2\",3,10", &r, NULL));
  g_assert_cmpint(r.pin, ==, 3);
  g_assert_cmpint(r.puk, ==, 10);
  g_assert_cmpint(r.pin2, ==, 3);
  /* Sierra */
  g_assert_true(mmd_at_parse_pin_retries("+CPINC: 1,3,10,10", &r, NULL));
  g_assert_cmpint(r.pin, ==, 1);
  g_assert_cmpint(r.pin2, ==, 3);
  g_assert_cmpint(r.puk, ==, 10);
  /* Huawei */
  g_assert_true(mmd_at_parse_pin_retries("^CPIN: SIM PIN,3,10,3,10,3", &r, NULL));
  g_assert_cmpint(r.pin, ==, 3);
  g_assert_cmpint(r.puk, ==, 10);
  g_assert_true(mmd_at_parse_pin_retries("^CPIN: READY,,10,2,10,3", &r, NULL));
  g_assert_cmpint(r.pin, ==, 2);

  g_assert_false(mmd_at_parse_pin_retries("+CPINR: SIM PIN", &r, NULL));
  g_assert_false(mmd_at_parse_pin_retries("OK", &r, NULL));

  g_assert_true(mmd_at_parse_clck("+CLCK: 1", &enabled, NULL));
  g_assert_true(enabled);
  g_assert_true(mmd_at_parse_clck("+CLCK: 0,7", &enabled, NULL));
  g_assert_false(enabled);
  g_assert_false(mmd_at_parse_clck("+CLCK: 2", &enabled, NULL));
}

static void
test_registration(void)
{
  static const struct {
    const char *in;
    int n, stat;
    gulong lac, ci;
    int act;
  } cases[] = {
    /* read command responses */
    { "+CREG: 0,1", 0, 1, 0, 0, -1 },
    { "+CREG: 2,5,\"1A2B\",\"01C3D4E5\",7", 2, 5, 0x1a2b, 0x01c3d4e5, 7 },
    { "+CREG: 2,1,\"00A1\",\"0001B2C3\"", 2, 1, 0xa1, 0x1b2c3, -1 },
    { "+CREG: 2,1,1A2B,01C3D4", 2, 1, 0x1a2b, 0x1c3d4, -1 },
    { "+CGREG: 2,1,\"1A2B\",\"01C3D4\",2,\"05\"", 2, 1, 0x1a2b, 0x1c3d4, 2 },
    { "+CGREG: 1,2", 1, 2, 0, 0, -1 },
    { "+CEREG: 2,1,\"2F1A\",\"0A1B2C3D\",7", 2, 1, 0x2f1a, 0x0a1b2c3d, 7 },
    { "+CEREG: 4,1,\"2F1A\",\"0A1B2C3D\",9,,,\"00100100\",\"01000011\"", 4, 1, 0x2f1a, 0x0a1b2c3d,
      9 },
    { "+C5GREG: 2,1,\"00A1B2\",\"000000001F2E3D4C\",11", 2, 1, 0xa1b2, 0x1f2e3d4c, 11 },
    { "+CREG: 2, 1, \"1A2B\", \"01C3D4\", 7", 2, 1, 0x1a2b, 0x1c3d4, 7 },
    { "+CREG: 2,0", 2, 0, 0, 0, -1 },
    { "+CREG: 1,3", 1, 3, 0, 0, -1 },
    /* URCs */
    { "+CREG: 1", -1, 1, 0, 0, -1 },
    { "+CREG: 5,\"1A2B\",\"01C3D4E5\",7", -1, 5, 0x1a2b, 0x01c3d4e5, 7 },
    { "+CGREG: 1,\"1A2B\",\"01C3D4\",2,\"05\"", -1, 1, 0x1a2b, 0x1c3d4, 2 },
    { "+CEREG: 1,\"2F1A\",\"0A1B2C3D\",7", -1, 1, 0x2f1a, 0x0a1b2c3d, 7 },
    { "+CEREG: 2", -1, 2, 0, 0, -1 },
    { "+CEREG:1,2F1A,0A1B2C3D,7", -1, 1, 0x2f1a, 0x0a1b2c3d, 7 },
    { "+C5GREG: 1,\"00A1B2\",\"000000001F2E3D4C\",11,1,\"01\"", -1, 1, 0xa1b2, 0x1f2e3d4c, 11 },
  };

  for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
    MmdAtRegistration r;
    g_autoptr(GError) error = NULL;

    if (!mmd_at_parse_registration(cases[i].in, &r, &error))
      g_error("%s: %s", cases[i].in, error->message);
    g_assert_cmpint(r.n, ==, cases[i].n);
    g_assert_cmpint(r.stat, ==, cases[i].stat);
    g_assert_cmpuint(r.lac, ==, cases[i].lac);
    g_assert_cmpuint(r.ci, ==, cases[i].ci);
    g_assert_cmpint(r.act, ==, cases[i].act);
  }
  {
    static const char *bad[]
        = { "+CREG:",    "+CREG: x", "+CREG: 2,\"1A2B", "+CREG: 1,\"ZZ\",\"1\"", "+COPS: 0",
            "+CREG: 12", "" };
    for (gsize i = 0; i < G_N_ELEMENTS(bad); i++) {
      MmdAtRegistration r;
      g_assert_false(mmd_at_parse_registration(bad[i], &r, NULL));
    }
  }
  g_assert_cmpint(mmd_at_registration_state(5), ==, MMD_MODEM_3GPP_REGISTRATION_STATE_ROAMING);
  g_assert_cmpint(mmd_at_registration_state(42), ==, MMD_MODEM_3GPP_REGISTRATION_STATE_UNKNOWN);
  g_assert_cmpuint(mmd_at_act_to_access_technology(7), ==, MMD_MODEM_ACCESS_TECHNOLOGY_LTE);
  g_assert_cmpuint(mmd_at_act_to_access_technology(2), ==, MMD_MODEM_ACCESS_TECHNOLOGY_UMTS);
  g_assert_cmpuint(mmd_at_act_to_access_technology(12), ==, MMD_MODEM_ACCESS_TECHNOLOGY_5GNR);
  g_assert_cmpuint(mmd_at_act_to_access_technology(99), ==, 0);
}

static void
test_cops(void)
{
  int mode, format, act;
  char *oper = NULL;
  g_autoptr(GPtrArray) ops = NULL;
  MmdAtOperator *op;

  g_assert_true(
      mmd_at_parse_cops_read("+COPS: 0,0,\"Vodafone.de\",7", &mode, &format, &oper, &act, NULL));
  g_assert_cmpint(mode, ==, 0);
  g_assert_cmpint(format, ==, 0);
  g_assert_cmpstr(oper, ==, "Vodafone.de");
  g_assert_cmpint(act, ==, 7);
  g_clear_pointer(&oper, g_free);
  g_assert_true(mmd_at_parse_cops_read("+COPS: 1,2,\"26202\"", &mode, &format, &oper, &act, NULL));
  g_assert_cmpstr(oper, ==, "26202");
  g_assert_cmpint(act, ==, -1);
  g_clear_pointer(&oper, g_free);
  g_assert_true(mmd_at_parse_cops_read("+COPS: 0", &mode, &format, &oper, &act, NULL));
  g_assert_null(oper);
  g_assert_cmpint(format, ==, -1);
  g_assert_true(mmd_at_parse_cops_read("+COPS: 0,0,\"0054002D004D006F00620069006C0065\",7", &mode,
                                       &format, &oper, &act, NULL));
  g_assert_cmpstr(oper, ==, "T-Mobile");
  g_clear_pointer(&oper, g_free);
  g_assert_false(mmd_at_parse_cops_read("+COPS: x", &mode, &format, &oper, &act, NULL));
  g_assert_false(mmd_at_parse_cops_read("+COPS: 0,9,\"a\"", &mode, &format, &oper, &act, NULL));

  ops = mmd_at_parse_cops_test(
      "+COPS: (2,\"Vodafone.de\",\"voda DE\",\"26202\",7),(1,\"E-Plus\",\"E-Plus\",\"26203\",2),"
      "(3,\"T-Mobile D\",\"TMO D\",\"26201\",0),,(0,1,2,3,4),(0,1,2)",
      NULL);
  g_assert_nonnull(ops);
  g_assert_cmpuint(ops->len, ==, 3);
  op = g_ptr_array_index(ops, 0);
  g_assert_cmpuint(op->status, ==, 2);
  g_assert_cmpstr(op->long_name, ==, "Vodafone.de");
  g_assert_cmpstr(op->short_name, ==, "voda DE");
  g_assert_cmpstr(op->code, ==, "26202");
  g_assert_cmpint(op->act, ==, 7);
  op = g_ptr_array_index(ops, 2);
  g_assert_cmpuint(op->status, ==, 3);
  g_clear_pointer(&ops, g_ptr_array_unref);

  /* no act, empty names, no ",," separator, spaces */
  ops = mmd_at_parse_cops_test("+COPS: (1,\"\",\"\",\"310410\"), (2, \"AT&T\", \"AT&T\", "
                               "\"310410\", 7),(0,1,2,3,4),(0,1,2)",
                               NULL);
  g_assert_nonnull(ops);
  g_assert_cmpuint(ops->len, ==, 2);
  op = g_ptr_array_index(ops, 0);
  g_assert_cmpstr(op->long_name, ==, "");
  g_assert_cmpint(op->act, ==, -1);
  g_clear_pointer(&ops, g_ptr_array_unref);

  /* UCS2 names (Huawei with +CSCS="UCS2") */
  ops = mmd_at_parse_cops_test("+COPS: (2,\"0054002D004D006F00620069006C0065\",\"0054004D004F\","
                               "\"26201\",7),,(0,1,3,4),(0,1,2)",
                               NULL);
  g_assert_nonnull(ops);
  g_assert_cmpuint(ops->len, ==, 1);
  op = g_ptr_array_index(ops, 0);
  g_assert_cmpstr(op->long_name, ==, "T-Mobile");
  g_assert_cmpstr(op->short_name, ==, "TMO");
  g_clear_pointer(&ops, g_ptr_array_unref);

  /* empty list */
  ops = mmd_at_parse_cops_test("+COPS: ,,(0,1,2,3,4),(0,1,2)", NULL);
  g_assert_nonnull(ops);
  g_assert_cmpuint(ops->len, ==, 0);
  g_clear_pointer(&ops, g_ptr_array_unref);

  g_assert_null(mmd_at_parse_cops_test("+COPS: (2,\"Voda", NULL));
  g_assert_null(mmd_at_parse_cops_test("OK", NULL));
}

static void
test_signal(void)
{
  int rssi, ber;
  MmdAtSignal s;

  g_assert_true(mmd_at_parse_csq("+CSQ: 21,99", &rssi, &ber, NULL));
  g_assert_cmpint(rssi, ==, 21);
  g_assert_cmpint(ber, ==, 99);
  g_assert_true(mmd_at_parse_csq("+CSQ:99,99", &rssi, &ber, NULL));
  g_assert_true(mmd_at_parse_csq("+CSQ: 15", &rssi, &ber, NULL));
  g_assert_false(mmd_at_parse_csq("+CSQ: 40,99", &rssi, &ber, NULL));
  g_assert_false(mmd_at_parse_csq("+CSQ: -1,99", &rssi, &ber, NULL));

  g_assert_true(mmd_at_parse_cesq("+CESQ: 99,99,255,255,20,46", &s, NULL));
  g_assert_true(isnan(s.rssi));
  g_assert_true(isnan(s.rscp));
  g_assert_cmpfloat(s.rsrq, ==, -10.0);
  g_assert_cmpfloat(s.rsrp, ==, -95.0);
  g_assert_true(isnan(s.nr_rsrp));
  g_assert_true(mmd_at_parse_cesq("+CESQ: 40,0,50,30,255,255,255,60,80", &s, NULL));
  g_assert_cmpfloat(s.rssi, ==, -71.0);
  g_assert_cmpfloat(s.rscp, ==, -71.0);
  g_assert_cmpfloat(s.ecio, ==, -9.5);
  g_assert_true(isnan(s.rsrq));
  g_assert_cmpfloat(s.nr_rsrp, ==, -97.0);
  g_assert_cmpfloat(s.nr_snr, ==, 17.0);
  g_assert_false(mmd_at_parse_cesq("+CESQ: 99,99,255", &s, NULL));
  g_assert_false(mmd_at_parse_cesq("+CESQ: a,b,c,d,e,f", &s, NULL));
}

static void
test_pdp(void)
{
  g_autoptr(GPtrArray) ctxs = NULL;
  g_autoptr(GArray) act = NULL;
  g_autoptr(GPtrArray) rdp = NULL;
  MmdAtPdpContext *c;
  MmdAtContextInfo *info;
  guint max_cid, families;
  char *ip4 = NULL, *ip6 = NULL;

  ctxs = mmd_at_parse_cgdcont_read(
      "+CGDCONT: 1,\"IP\",\"internet\",\"0.0.0.0\",0,0,0,0\n"
      "+CGDCONT: 2,\"IPV4V6\",\"ims\",\"0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0\",0,0,0,2,1,1\n"
      "+CGDCONT: 3,\"IPV6\",\"\",,0,0",
      NULL);
  g_assert_nonnull(ctxs);
  g_assert_cmpuint(ctxs->len, ==, 3);
  c = g_ptr_array_index(ctxs, 1);
  g_assert_cmpuint(c->cid, ==, 2);
  g_assert_cmpstr(c->pdp_type, ==, "IPV4V6");
  g_assert_cmpstr(c->apn, ==, "ims");
  g_clear_pointer(&ctxs, g_ptr_array_unref);
  ctxs = mmd_at_parse_cgdcont_read("", NULL);
  g_assert_cmpuint(ctxs->len, ==, 0);
  g_assert_null(mmd_at_parse_cgdcont_read("+CGDCONT: x,\"IP\"", NULL));

  g_assert_true(mmd_at_parse_cgdcont_test(
      "+CGDCONT: (1-16),\"IP\",,,(0-2),(0-4)\n+CGDCONT: (1-16),\"PPP\",,,(0-2),(0-4)\n"
      "+CGDCONT: (1-16),\"IPV6\",,,(0-2),(0-4)\n+CGDCONT: (1-16),\"IPV4V6\",,,(0-2),(0-4)",
      &max_cid, &families, NULL));
  g_assert_cmpuint(max_cid, ==, 16);
  g_assert_cmpuint(families, ==,
                   MMD_BEARER_IP_FAMILY_IPV4 | MMD_BEARER_IP_FAMILY_IPV6
                       | MMD_BEARER_IP_FAMILY_IPV4V6);
  g_assert_true(mmd_at_parse_cgdcont_test("+CGDCONT: (1,2,3,4,5),\"IP\",,,(0,1),(0,1)", &max_cid,
                                          &families, NULL));
  g_assert_cmpuint(max_cid, ==, 5);
  g_assert_false(mmd_at_parse_cgdcont_test("+CGDCONT: (a-b),\"IP\"", &max_cid, &families, NULL));

  act = mmd_at_parse_cgact_read("+CGACT: 1,1\n+CGACT: 2,0", NULL);
  g_assert_nonnull(act);
  g_assert_cmpuint(act->len, ==, 4);
  g_assert_cmpuint(g_array_index(act, guint, 0), ==, 1);
  g_assert_cmpuint(g_array_index(act, guint, 1), ==, 1);
  g_assert_cmpuint(g_array_index(act, guint, 3), ==, 0);
  g_assert_null(mmd_at_parse_cgact_read("+CGACT: 1,7", NULL));

  g_assert_true(mmd_at_parse_cgpaddr("+CGPADDR: 1,\"10.0.0.2\"", 1, &ip4, &ip6, NULL));
  g_assert_cmpstr(ip4, ==, "10.0.0.2");
  g_assert_null(ip6);
  g_clear_pointer(&ip4, g_free);
  g_assert_true(mmd_at_parse_cgpaddr(
      "+CGPADDR: 1,\"10.0.0.2\"\n+CGPADDR: 2,\"10.1.2.3\",\"32.1.13.184.0.1.0.0.0.0.0.0.0.0.0.2\"",
      2, &ip4, &ip6, NULL));
  g_assert_cmpstr(ip4, ==, "10.1.2.3");
  g_assert_cmpstr(ip6, ==, "2001:db8:1::2");
  g_clear_pointer(&ip4, g_free);
  g_clear_pointer(&ip6, g_free);
  g_assert_true(mmd_at_parse_cgpaddr("+CGPADDR: 1,2001:db8::5", 1, &ip4, &ip6, NULL));
  g_assert_cmpstr(ip6, ==, "2001:db8::5");
  g_clear_pointer(&ip6, g_free);
  g_assert_false(mmd_at_parse_cgpaddr("+CGPADDR: 1,\"10.0.0.300\"", 1, &ip4, &ip6, NULL));
  g_assert_false(mmd_at_parse_cgpaddr("+CGPADDR: 3,\"10.0.0.3\"", 1, &ip4, &ip6, NULL));

  rdp = mmd_at_parse_cgcontrdp(
      "+CGCONTRDP: 1,5,\"internet\",\"10.0.0.2.255.255.255.0\",\"10.0.0.1\",\"10.0.0.53\","
      "\"10.0.0.54\",\"0.0.0.0\",\"0.0.0.0\",0,0,1500\n"
      "+CGCONTRDP: 1,5,\"internet\",\"32.1.13.184.0.1.0.0.0.0.0.0.0.0.0.2.255.255.255.255.255."
      "255.255.255.0.0.0.0.0.0.0.0\",\"\",\"32.1.13.184.0.1.0.0.0.0.0.0.0.0.0.83\"",
      NULL);
  g_assert_nonnull(rdp);
  g_assert_cmpuint(rdp->len, ==, 2);
  info = g_ptr_array_index(rdp, 0);
  g_assert_cmpstr(info->address, ==, "10.0.0.2");
  g_assert_cmpuint(info->prefix, ==, 24);
  g_assert_cmpstr(info->gateway, ==, "10.0.0.1");
  g_assert_cmpstr(info->dns[0], ==, "10.0.0.53");
  g_assert_cmpstr(info->dns[1], ==, "10.0.0.54");
  g_assert_cmpuint(info->mtu, ==, 1500);
  g_assert_false(info->ipv6);
  info = g_ptr_array_index(rdp, 1);
  g_assert_true(info->ipv6);
  g_assert_cmpstr(info->address, ==, "2001:db8:1::2");
  g_assert_cmpuint(info->prefix, ==, 64);
  g_assert_null(info->gateway);
  g_assert_cmpstr(info->dns[0], ==, "2001:db8:1::53");
  g_clear_pointer(&rdp, g_ptr_array_unref);
  /* Quectel style without the mask */
  rdp = mmd_at_parse_cgcontrdp("+CGCONTRDP: 1,0,\"\",\"100.64.1.7\",\"\",\"8.8.8.8\"", NULL);
  g_assert_nonnull(rdp);
  info = g_ptr_array_index(rdp, 0);
  g_assert_cmpstr(info->address, ==, "100.64.1.7");
  g_assert_cmpuint(info->prefix, ==, 32);
  g_clear_pointer(&rdp, g_ptr_array_unref);
  g_assert_null(mmd_at_parse_cgcontrdp("+CGCONTRDP: 1,5,\"internet\",\"10.0.0\"", NULL));
  g_assert_null(mmd_at_parse_cgcontrdp("OK", NULL));
}

static void
test_misc(void)
{
  int fun;
  g_auto(GStrv) nums = NULL;

  g_assert_true(mmd_at_parse_cfun("+CFUN: 1", &fun, NULL));
  g_assert_cmpint(fun, ==, 1);
  g_assert_true(mmd_at_parse_cfun("+CFUN: 4,0", &fun, NULL));
  g_assert_cmpint(fun, ==, 4);
  g_assert_false(mmd_at_parse_cfun("+CFUN:", &fun, NULL));

  nums = mmd_at_parse_cnum("+CNUM: \"Own number\",\"+491701234567\",145\n"
                           "+CNUM: ,\"01701234568\",129\n+CNUM: \"Fax\",\"\",129",
                           NULL);
  g_assert_cmpuint(g_strv_length(nums), ==, 2);
  g_assert_cmpstr(nums[0], ==, "+491701234567");
  g_assert_cmpstr(nums[1], ==, "01701234568");
  g_clear_pointer(&nums, g_strfreev);
  nums = mmd_at_parse_cnum("", NULL);
  g_assert_cmpuint(g_strv_length(nums), ==, 0);
}

static void
test_ws46(void)
{
  g_autoptr(GArray) v = NULL;
  int cur;

  v = mmd_at_parse_ws46_test("+WS46: (12,22,25,28,29,30,31)", NULL);
  g_assert_nonnull(v);
  g_assert_cmpuint(v->len, ==, 7);
  g_assert_cmpint(g_array_index(v, int, 3), ==, 28);
  g_clear_pointer(&v, g_array_unref);
  v = mmd_at_parse_ws46_test("+WS46: (12,22,25,28-31)", NULL);
  g_assert_nonnull(v);
  g_assert_cmpuint(v->len, ==, 7);
  g_assert_cmpint(g_array_index(v, int, 6), ==, 31);
  g_clear_pointer(&v, g_array_unref);
  g_assert_null(mmd_at_parse_ws46_test("+WS46: (12,x)", NULL));
  g_assert_null(mmd_at_parse_ws46_test("+WS46: (31-28)", NULL));
  g_assert_null(mmd_at_parse_ws46_test("OK", NULL));
  g_assert_true(mmd_at_parse_ws46_read("+WS46: 25", &cur, NULL));
  g_assert_cmpint(cur, ==, 25);
  g_assert_false(mmd_at_parse_ws46_read("+WS46:", &cur, NULL));
  g_assert_cmpuint(mmd_at_ws46_to_modes(25), ==,
                   MMD_MODEM_MODE_2G | MMD_MODEM_MODE_3G | MMD_MODEM_MODE_4G);
  g_assert_cmpuint(mmd_at_ws46_to_modes(28), ==, MMD_MODEM_MODE_4G);
  g_assert_cmpuint(mmd_at_ws46_to_modes(99), ==, 0);
  g_assert_cmpint(mmd_at_modes_to_ws46(MMD_MODEM_MODE_3G | MMD_MODEM_MODE_4G), ==, 31);
  g_assert_cmpint(mmd_at_modes_to_ws46(MMD_MODEM_MODE_CS), ==, -1);
}

static void
test_cme(void)
{
  static const struct {
    const char *in;
    int code;
  } cases[] = {
    { "+CME ERROR: 16", MMD_MOBILE_EQUIPMENT_ERROR_INCORRECT_PASSWORD },
    { "+CME ERROR: incorrect password", MMD_MOBILE_EQUIPMENT_ERROR_INCORRECT_PASSWORD },
    { "+CME ERROR: Incorrect PIN", MMD_MOBILE_EQUIPMENT_ERROR_INCORRECT_PASSWORD },
    { "+CME ERROR: 10", MMD_MOBILE_EQUIPMENT_ERROR_SIM_NOT_INSERTED },
    { "+CME ERROR: SIM not inserted", MMD_MOBILE_EQUIPMENT_ERROR_SIM_NOT_INSERTED },
    { "+CME ERROR: SIM PIN required", MMD_MOBILE_EQUIPMENT_ERROR_SIM_PIN },
    { "+CME ERROR: SIM PUK required", MMD_MOBILE_EQUIPMENT_ERROR_SIM_PUK },
    { "+CME ERROR: 12", MMD_MOBILE_EQUIPMENT_ERROR_SIM_PUK },
    { "+CME ERROR: operation not allowed", MMD_MOBILE_EQUIPMENT_ERROR_NOT_ALLOWED },
    { "+CME ERROR: 4", MMD_MOBILE_EQUIPMENT_ERROR_NOT_SUPPORTED },
    { "+CME ERROR: no network service", MMD_MOBILE_EQUIPMENT_ERROR_NO_NETWORK },
    { "+CME ERROR: network not allowed - emergency calls only",
      MMD_MOBILE_EQUIPMENT_ERROR_NETWORK_NOT_ALLOWED },
    { "+CME ERROR: 149", MMD_MOBILE_EQUIPMENT_ERROR_GPRS_PDP_AUTH_FAILURE },
    { "+CME ERROR: 30", MMD_MOBILE_EQUIPMENT_ERROR_NO_NETWORK },
    { "+CME ERROR: 9999", MMD_MOBILE_EQUIPMENT_ERROR_UNKNOWN },
    { "+CME ERROR: 8", MMD_MOBILE_EQUIPMENT_ERROR_UNKNOWN },
    { "+CME ERROR: frobnicated", MMD_MOBILE_EQUIPMENT_ERROR_UNKNOWN },
    { "+CME ERROR:", MMD_MOBILE_EQUIPMENT_ERROR_UNKNOWN },
  };

  for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autoptr(GError) e = mmd_at_parse_cme_error(cases[i].in);
    g_assert_nonnull(e);
    g_assert_true(e->domain == MMD_MOBILE_EQUIPMENT_ERROR);
    g_assert_cmpint(e->code, ==, cases[i].code);
  }
  g_assert_null(mmd_at_parse_cme_error("ERROR"));
  g_assert_null(mmd_at_parse_cme_error("OK"));
}

static void
test_split(void)
{
  g_autoptr(GPtrArray) f = NULL;
  g_autoptr(GArray) q = NULL;

  f = mmd_at_split_fields(" 1, \"a,b\" ,(1,2),,x ", &q, NULL);
  g_assert_nonnull(f);
  g_assert_cmpuint(f->len, ==, 5);
  g_assert_cmpstr(g_ptr_array_index(f, 0), ==, "1");
  g_assert_cmpstr(g_ptr_array_index(f, 1), ==, "a,b");
  g_assert_true(g_array_index(q, gboolean, 1));
  g_assert_cmpstr(g_ptr_array_index(f, 2), ==, "(1,2)");
  g_assert_cmpstr(g_ptr_array_index(f, 3), ==, "");
  g_assert_cmpstr(g_ptr_array_index(f, 4), ==, "x");
  g_assert_null(mmd_at_split_fields("\"abc", NULL, NULL));
  g_assert_null(mmd_at_split_fields("(1,2", NULL, NULL));
  g_assert_null(mmd_at_split_fields("1)", NULL, NULL));
  g_assert_null(mmd_at_split_fields("\"a\"b", NULL, NULL));
}

/* Every sample, cut at every length and fed to every parser: no crash, no
 * out-of-bounds read (run under ASan), and results freed. */
static const char *samples[] = {
  "+CGMI: \"QUALCOMM INCORPORATED\"",
  "+CGSN: \"490154203237518\"",
  "^ICCID: 98942000002143658709",
  "+CPIN: SIM PIN",
  "+CPINR: SIM PIN,3,3\n+CPINR: SIM PUK,10,10",
  "+QPINC: \"SC\",3,10",
  "^CPIN: SIM PIN,3,10,3,10,3",
  "+CREG: 2,5,\"1A2B\",\"01C3D4E5\",7",
  "+CEREG: 1,\"2F1A\",\"0A1B2C3D\",7",
  "+C5GREG: 2,1,\"00A1B2\",\"000000001F2E3D4C\",11",
  "+COPS: 0,0,\"0054002D004D006F00620069006C0065\",7",
  "+COPS: (2,\"Vodafone.de\",\"voda DE\",\"26202\",7),(1,\"E-Plus\",\"E-Plus\",\"26203\",2),,(0,1,"
  "2,3,4),(0,1,2)",
  "+CSQ: 21,99",
  "+CESQ: 40,0,50,30,255,255,255,60,80",
  "+CGDCONT: 1,\"IP\",\"internet\",\"0.0.0.0\",0,0,0,0",
  "+CGDCONT: (1-16),\"IP\",,,(0-2),(0-4)",
  "+CGACT: 1,1\n+CGACT: 2,0",
  "+CGPADDR: 2,\"10.1.2.3\",\"32.1.13.184.0.1.0.0.0.0.0.0.0.0.0.2\"",
  "+CGCONTRDP: "
  "1,5,\"internet\",\"10.0.0.2.255.255.255.0\",\"10.0.0.1\",\"10.0.0.53\",\"10.0.0.54\","
  "\"0.0.0.0\",\"0.0.0.0\",0,0,1500",
  "+CFUN: 4,0",
  "+CNUM: \"Own number\",\"+491701234567\",145",
  "+CME ERROR: incorrect password",
  "+CLCK: 0,7",
  "+WS46: (12,22,25,28-31)",
};

/* Frees a parser's string after checking it is clean text (or NULL). */
static void
clean_free(char *text)
{
  g_assert_true(!text || mmd_text_is_clean(text, -1));
  g_free(text);
}

static void
feed_all(const char *s)
{
  MmdModemLock lock;
  MmdAtRetries r;
  MmdAtRegistration reg;
  MmdAtSignal sig;
  gboolean b;
  int i1, i2, i3;
  guint u1, u2;
  char *p1 = NULL, *p2 = NULL;

  clean_free(mmd_at_parse_info(s, NULL));
  clean_free(mmd_at_parse_imei(s, NULL));
  clean_free(mmd_at_parse_imsi(s, NULL));
  clean_free(mmd_at_parse_iccid(s, NULL));
  mmd_at_parse_cpin(s, &lock, NULL);
  mmd_at_parse_pin_retries(s, &r, NULL);
  mmd_at_parse_clck(s, &b, NULL);
  mmd_at_parse_registration(s, &reg, NULL);
  if (mmd_at_parse_cops_read(s, &i1, &i2, &p1, &i3, NULL))
    clean_free(p1);
  p1 = NULL;
  {
    GPtrArray *a = mmd_at_parse_cops_test(s, NULL);
    if (a)
      g_ptr_array_unref(a);
    a = mmd_at_parse_cgdcont_read(s, NULL);
    if (a)
      g_ptr_array_unref(a);
    a = mmd_at_parse_cgcontrdp(s, NULL);
    if (a)
      g_ptr_array_unref(a);
  }
  {
    GArray *a = mmd_at_parse_cgact_read(s, NULL);
    if (a)
      g_array_unref(a);
  }
  mmd_at_parse_csq(s, &i1, &i2, NULL);
  mmd_at_parse_cesq(s, &sig, NULL);
  mmd_at_parse_cgdcont_test(s, &u1, &u2, NULL);
  if (mmd_at_parse_cgpaddr(s, 2, &p1, &p2, NULL)) {
    g_free(p1);
    g_free(p2);
  }
  mmd_at_parse_cfun(s, &i1, NULL);
  g_bytes_unref(mmd_at_parse_crsm(s, NULL));
  g_strfreev(mmd_at_parse_cnum(s, NULL));
  {
    GError *e = mmd_at_parse_cme_error(s);
    g_assert_true(!e || mmd_text_is_clean(e->message, -1));
    g_clear_error(&e);
  }
  clean_free(mmd_at_decode_name(s));
  {
    GArray *a = mmd_at_parse_ws46_test(s, NULL);
    if (a)
      g_array_unref(a);
  }
  mmd_at_parse_ws46_read(s, &i1, NULL);
}

static void
test_truncations(void)
{
  for (gsize i = 0; i < G_N_ELEMENTS(samples); i++) {
    gsize n = strlen(samples[i]);

    for (gsize k = 0; k <= n; k++) {
      /* exact-size heap copies so that ASan sees any over-read */
      char *cut = g_malloc(k + 1);
      memcpy(cut, samples[i], k);
      cut[k] = '\0';
      feed_all(cut);
      /* and with a byte flipped to junk */
      if (k > 0) {
        cut[k - 1] = (char)0xff;
        feed_all(cut);
        cut[k - 1] = '"';
        feed_all(cut);
      }
      g_free(cut);
    }
  }
}

/* Random lines over the characters that matter to the parsers. */
static void
test_random(void)
{
  static const char alphabet[] = "+CREGOPSQNUM:^ ,\"()-.0123456789AF\n\r\xff";
  static const char *const prefixes[] = { "+CREG: ",  "+COPS: ",    "+CGCONTRDP: ", "+CESQ: ",
                                          "+CPINR: ", "+CGPADDR: ", "+WS46: ",      "" };

  for (guint i = 0; i < 20000; i++) {
    GString *line = g_string_new(prefixes[g_test_rand_int_range(0, G_N_ELEMENTS(prefixes))]);
    guint n = (guint)g_test_rand_int_range(0, 64);
    char *copy;

    for (guint k = 0; k < n; k++)
      g_string_append_c(line, alphabet[g_test_rand_int_range(0, sizeof alphabet - 1)]);
    copy = g_strdup(line->str);
    feed_all(copy);
    g_free(copy);
    g_string_free(line, TRUE);
  }
}

static void
test_crsm(void)
{
  /* EF_AD of a card with a 3-digit MNC, as Quectel and SIMCom print it */
  g_autoptr(GBytes) ad = mmd_at_parse_crsm("+CRSM: 144,0,\"00000003\"", NULL);
  g_autoptr(GBytes) quoted_less = mmd_at_parse_crsm("+CRSM: 144,0,0000FF02", NULL);
  g_autoptr(GBytes) pending = mmd_at_parse_crsm("+CRSM: 145,16,\"01\"", NULL);
  g_autoptr(GError) error = NULL;
  gsize len = 0;
  const guint8 *data = g_bytes_get_data(ad, &len);

  g_assert_cmpuint(len, ==, 4);
  g_assert_cmpuint(data[3], ==, 3);
  g_assert_nonnull(quoted_less);
  g_assert_cmpuint(g_bytes_get_size(quoted_less), ==, 4);
  g_assert_nonnull(pending);
  /* file not found, security status, odd or bad hex */
  g_assert_null(mmd_at_parse_crsm("+CRSM: 106,130,\"\"", &error));
  g_assert_error(error, MMD_CORE_ERROR, MMD_CORE_ERROR_FAILED);
  g_assert_null(mmd_at_parse_crsm("+CRSM: 105,130,\"\"", NULL));
  g_assert_null(mmd_at_parse_crsm("+CRSM: 144,0,\"000\"", NULL));
  g_assert_null(mmd_at_parse_crsm("+CRSM: 144,0,\"0G\"", NULL));
  g_assert_null(mmd_at_parse_crsm("+CRSM: 144", NULL));
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/at/parse/split", test_split);
  g_test_add_func("/at/parse/info", test_info);
  g_test_add_func("/at/parse/imei", test_imei);
  g_test_add_func("/at/parse/imsi-iccid", test_imsi_iccid);
  g_test_add_func("/at/parse/cpin", test_cpin);
  g_test_add_func("/at/parse/retries", test_retries);
  g_test_add_func("/at/parse/registration", test_registration);
  g_test_add_func("/at/parse/cops", test_cops);
  g_test_add_func("/at/parse/signal", test_signal);
  g_test_add_func("/at/parse/pdp", test_pdp);
  g_test_add_func("/at/parse/misc", test_misc);
  g_test_add_func("/at/parse/cme", test_cme);
  g_test_add_func("/at/parse/ws46", test_ws46);
  g_test_add_func("/at/parse/crsm", test_crsm);
  g_test_add_func("/at/parse/truncations", test_truncations);
  g_test_add_func("/at/parse/random", test_random);
  return g_test_run();
}
