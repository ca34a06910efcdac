/* MBIM messages and information buffers against hand-built byte vectors. */
#include <string.h>

#include "mbim-codec.h"

static void
assert_bytes(GBytes *b, const guint8 *expect, gsize n)
{
  g_assert_cmpmem(g_bytes_get_data(b, NULL), g_bytes_get_size(b), expect, n);
}

static void
test_header(void)
{
  static const guint8 open[] = { 0x01, 0, 0, 0, 0x10, 0, 0, 0, 0x07, 0, 0, 0, 0x00, 0x10, 0, 0 };
  g_autoptr(GBytes) m = mbim_message_new_open(7, 4096);
  g_autoptr(MbimMessage) p = NULL;
  g_autoptr(GError) error = NULL;

  assert_bytes(m, open, sizeof open);
  p = mbim_message_parse(m, &error);
  g_assert_no_error(error);
  g_assert_cmpuint(p->type, ==, MBIM_MESSAGE_TYPE_OPEN);
  g_assert_cmpuint(p->tid, ==, 7);
  g_assert_cmpuint(p->max_control_transfer, ==, 4096);
}

static void
test_command_layout(void)
{
  static const guint8 buf[] = { 1, 0, 0, 0 };
  g_autoptr(GBytes) m = mbim_message_new_command(3, mbim_uuid_basic_connect, MBIM_CID_RADIO_STATE,
                                                 MBIM_COMMAND_TYPE_SET, buf, sizeof buf);
  const guint8 *d = g_bytes_get_data(m, NULL);

  g_assert_cmpuint(g_bytes_get_size(m), ==, 52);
  g_assert_cmpuint(mbim_read_u32(d), ==, 3);      /* COMMAND */
  g_assert_cmpuint(mbim_read_u32(d + 4), ==, 52); /* length */
  g_assert_cmpuint(mbim_read_u32(d + 12), ==, 1); /* total fragments */
  g_assert_cmpuint(mbim_read_u32(d + 16), ==, 0); /* current */
  g_assert_cmpuint(d[20], ==, 0xa2);              /* service uuid as written */
  g_assert_cmpuint(d[35], ==, 0xdf);
  g_assert_cmpuint(mbim_read_u32(d + 36), ==, 3); /* cid */
  g_assert_cmpuint(mbim_read_u32(d + 40), ==, 1); /* set */
  g_assert_cmpuint(mbim_read_u32(d + 44), ==, 4); /* buffer length */
  g_assert_cmpuint(mbim_read_u32(d + 48), ==, 1);
}

static void
test_fragments(void)
{
  guint8 big[300];
  g_autoptr(GBytes) m = NULL;
  g_autoptr(GPtrArray) frags = NULL;
  MbimReassembler *r = mbim_reassembler_new();
  g_autoptr(GBytes) whole = NULL;
  g_autoptr(GError) error = NULL;
  guint32 etid = 0;

  for (gsize i = 0; i < sizeof big; i++)
    big[i] = i & 0xff;
  m = mbim_message_new_command_done(9, mbim_uuid_basic_connect, 8, 0, big, sizeof big);
  frags = mbim_message_fragment(m, 64);
  /* 300 + 28 bytes after the fragment header, 44 per fragment */
  g_assert_cmpuint(frags->len, ==, 8);
  for (guint i = 0; i < frags->len; i++) {
    const guint8 *f = g_bytes_get_data(frags->pdata[i], NULL);

    g_assert_cmpuint(g_bytes_get_size(frags->pdata[i]), <=, 64);
    g_assert_cmpuint(mbim_read_u32(f + 12), ==, 8);
    g_assert_cmpuint(mbim_read_u32(f + 16), ==, i);
    g_assert_null(whole);
    whole = mbim_reassembler_push(r, f, g_bytes_get_size(frags->pdata[i]), &etid, &error);
    g_assert_no_error(error);
  }
  g_assert_nonnull(whole);
  g_assert_true(g_bytes_equal(whole, m));

  /* out of sequence: fragment 2 after fragment 0 */
  g_clear_pointer(&whole, g_bytes_unref);
  whole = mbim_reassembler_push(r, g_bytes_get_data(frags->pdata[0], NULL),
                                g_bytes_get_size(frags->pdata[0]), &etid, &error);
  g_assert_null(whole);
  whole = mbim_reassembler_push(r, g_bytes_get_data(frags->pdata[2], NULL),
                                g_bytes_get_size(frags->pdata[2]), &etid, &error);
  g_assert_null(whole);
  g_assert_error(error, MBIM_PROTOCOL_ERROR, MBIM_PROTOCOL_ERROR_FRAGMENT_OUT_OF_SEQUENCE);
  g_assert_cmpuint(etid, ==, 9);
  mbim_reassembler_free(r);
}

static void
test_encode_pin(void)
{
  static const guint8 expect[] = {
    2,   0, 0,   0,                 /* PinType pin1 */
    0,   0, 0,   0,                 /* PinOperation enter */
    24,  0, 0,   0, 8,   0, 0,   0, /* Pin at 24, 8 bytes */
    0,   0, 0,   0, 0,   0, 0,   0, /* NewPin empty */
    '1', 0, '2', 0, '3', 0, '4', 0,
  };
  const MbimCidInfo *info = mbim_cid_lookup(mbim_uuid_basic_connect, MBIM_CID_PIN);
  g_autoptr(GVariant) v
      = g_variant_ref_sink(g_variant_new_parsed("{'PinType': <@u 2>, 'Pin': <'1234'>}"));
  g_autoptr(GBytes) b = mbim_encode(info->set, v, NULL);
  g_autofree char *log = mbim_fields_to_string(info->set, v);

  assert_bytes(b, expect, sizeof expect);
  g_assert_null(strstr(log, "1234"));
}

static void
test_strings_padding(void)
{
  const MbimCidInfo *info = mbim_cid_lookup(mbim_uuid_basic_connect, MBIM_CID_REGISTER_STATE);
  g_autoptr(GVariant) v = g_variant_ref_sink(g_variant_new_parsed(
      "{'RegisterState': <@u 3>, 'ProviderId': <'26201'>, 'ProviderName': <'Näť'>}"));
  g_autoptr(GBytes) b = mbim_encode(info->response, v, NULL);
  const guint8 *d = g_bytes_get_data(b, NULL);
  g_autoptr(GVariant) back = NULL;
  const char *s;
  guint32 u;

  /* fixed part: 5 u32 + 3 strings + 1 u32 = 48; "26201" = 10 bytes padded to 12 */
  g_assert_cmpuint(mbim_read_u32(d + 20), ==, 48);
  g_assert_cmpuint(mbim_read_u32(d + 24), ==, 10);
  g_assert_cmpuint(mbim_read_u32(d + 28), ==, 60);
  g_assert_cmpuint(mbim_read_u32(d + 32), ==, 6);
  g_assert_cmpuint(d[62], ==, 0xe4); /* ä in UTF-16LE */
  g_assert_cmpuint(g_bytes_get_size(b), ==, 68);
  back = mbim_decode(info->response, d, g_bytes_get_size(b), NULL);
  g_assert_true(g_variant_lookup(back, "ProviderName", "&s", &s));
  g_assert_cmpstr(s, ==, "Näť");
  g_assert_true(g_variant_lookup(back, "RegisterState", "u", &u));
  g_assert_cmpuint(u, ==, 3);
}

static void
test_ip_configuration(void)
{
  /* hand-built: one IPv4 address 192.0.2.10/28, gateway, two DNS, MTU 1428 */
  static const guint8 buf[] = {
    1,    0,    0, 0,                 /* SessionId */
    0x0f, 0,    0, 0,                 /* IPv4ConfigurationAvailable */
    0,    0,    0, 0,                 /* IPv6ConfigurationAvailable */
    1,    0,    0, 0,  60,  0, 0, 0,  /* IPv4AddressCount, offset */
    0,    0,    0, 0,  0,   0, 0, 0,  /* IPv6AddressCount, offset */
    68,   0,    0, 0,  0,   0, 0, 0,  /* IPv4Gateway, IPv6Gateway */
    2,    0,    0, 0,  72,  0, 0, 0,  /* IPv4DnsServerCount, offset */
    0,    0,    0, 0,  0,   0, 0, 0,  /* IPv6DnsServerCount, offset */
    0x94, 0x05, 0, 0,  0,   0, 0, 0,  /* IPv4Mtu 1428, IPv6Mtu */
    28,   0,    0, 0,  192, 0, 2, 10, /* element */
    192,  0,    2, 1,                 /* gateway */
    192,  0,    2, 53, 192, 0, 2, 54, /* dns */
  };
  const MbimCidInfo *info = mbim_cid_lookup(mbim_uuid_basic_connect, MBIM_CID_IP_CONFIGURATION);
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) v = mbim_decode(info->response, buf, sizeof buf, &error);
  g_autoptr(GVariant) addrs = NULL;
  g_autoptr(GVariant) dns = NULL;
  g_autoptr(GBytes) again = NULL;
  const char *s;
  guint32 u;

  g_assert_no_error(error);
  addrs = g_variant_lookup_value(v, "IPv4Address", G_VARIANT_TYPE("aa{sv}"));
  g_assert_cmpuint(g_variant_n_children(addrs), ==, 1);
  {
    g_autoptr(GVariant) el = g_variant_get_child_value(addrs, 0);

    g_assert_true(g_variant_lookup(el, "IPv4Address", "&s", &s));
    g_assert_cmpstr(s, ==, "192.0.2.10");
    g_assert_true(g_variant_lookup(el, "OnLinkPrefixLength", "u", &u));
    g_assert_cmpuint(u, ==, 28);
  }
  g_assert_true(g_variant_lookup(v, "IPv4Gateway", "&s", &s));
  g_assert_cmpstr(s, ==, "192.0.2.1");
  g_assert_true(g_variant_lookup(v, "IPv6Gateway", "&s", &s));
  g_assert_cmpstr(s, ==, "");
  dns = g_variant_lookup_value(v, "IPv4DnsServer", G_VARIANT_TYPE("as"));
  g_assert_cmpuint(g_variant_n_children(dns), ==, 2);
  g_assert_true(g_variant_lookup(v, "IPv4Mtu", "u", &u));
  g_assert_cmpuint(u, ==, 1428);

  /* the encoder lays the same data out identically */
  again = mbim_encode(info->response, v, &error);
  g_assert_no_error(error);
  assert_bytes(again, buf, sizeof buf);

  /* truncated buffers are refused, not overrun */
  g_clear_pointer(&v, g_variant_unref);
  v = mbim_decode(info->response, buf, 70, &error);
  g_assert_null(v);
  g_assert_error(error, MBIM_PROTOCOL_ERROR, MBIM_PROTOCOL_ERROR_LENGTH_MISMATCH);
}

static void
test_providers_roundtrip(void)
{
  const MbimCidInfo *info = mbim_cid_lookup(mbim_uuid_basic_connect, MBIM_CID_VISIBLE_PROVIDERS);
  g_autoptr(GVariant) v = g_variant_ref_sink(g_variant_new_parsed(
      "{'Providers': <[{'ProviderId': <'26201'>, 'ProviderName': <'One'>, 'ProviderState': <@u "
      "8>}, {'ProviderId': <'26202'>, 'ProviderName': <'Two'>}]>}"));
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) b = mbim_encode(info->response, v, &error);
  g_autoptr(GVariant) back = NULL;
  g_autoptr(GVariant) list = NULL;
  const guint8 *d;
  const char *s;
  guint32 n;

  g_assert_no_error(error);
  d = g_bytes_get_data(b, NULL);
  g_assert_cmpuint(mbim_read_u32(d), ==, 2);      /* count derived from the array */
  g_assert_cmpuint(mbim_read_u32(d + 4), ==, 20); /* first provider after the 2 pairs */
  back = mbim_decode(info->response, d, g_bytes_get_size(b), &error);
  g_assert_no_error(error);
  g_assert_true(g_variant_lookup(back, "ProvidersCount", "u", &n));
  g_assert_cmpuint(n, ==, 2);
  list = g_variant_lookup_value(back, "Providers", G_VARIANT_TYPE("aa{sv}"));
  {
    g_autoptr(GVariant) p = g_variant_get_child_value(list, 1);

    g_assert_true(g_variant_lookup(p, "ProviderName", "&s", &s));
    g_assert_cmpstr(s, ==, "Two");
  }
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/mbim/header", test_header);
  g_test_add_func("/mbim/command-layout", test_command_layout);
  g_test_add_func("/mbim/fragments", test_fragments);
  g_test_add_func("/mbim/encode-pin", test_encode_pin);
  g_test_add_func("/mbim/strings-padding", test_strings_padding);
  g_test_add_func("/mbim/ip-configuration", test_ip_configuration);
  g_test_add_func("/mbim/providers-roundtrip", test_providers_roundtrip);
  return g_test_run();
}
