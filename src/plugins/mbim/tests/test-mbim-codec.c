/* MBIM messages and information buffers against hand-built byte vectors. */
#include <string.h>

#include "mbim-generated.h"

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
  MbimReassembler *r = mbim_reassembler_new(64);
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
  const MbimSetPin in = { .pin_type = 2, .pin = "1234" };
  g_autoptr(GBytes) b = mbim_set_pin_encode(&in);
  g_autoptr(GString) log = g_string_new(NULL);

  assert_bytes(b, expect, sizeof expect);
  mbim_set_pin_describe(expect, sizeof expect, log);
  g_assert_nonnull(strstr(log->str, "PinType: 2"));
  g_assert_nonnull(strstr(log->str, "Pin: '***'"));
  g_assert_null(strstr(log->str, "1234"));
}

static void
test_strings_padding(void)
{
  const MbimRegistrationStateInfo in
      = { .register_state = 3, .provider_id = "26201", .provider_name = "Näť" };
  g_autoptr(GBytes) b = mbim_registration_state_info_encode(&in);
  const guint8 *d = g_bytes_get_data(b, NULL);
  g_autoptr(MbimRegistrationStateInfo) back = NULL;
  g_autoptr(GError) error = NULL;

  /* fixed part: 5 u32 + 3 strings + 1 u32 = 48; "26201" = 10 bytes padded to 12 */
  g_assert_cmpuint(mbim_read_u32(d + 20), ==, 48);
  g_assert_cmpuint(mbim_read_u32(d + 24), ==, 10);
  g_assert_cmpuint(mbim_read_u32(d + 28), ==, 60);
  g_assert_cmpuint(mbim_read_u32(d + 32), ==, 6);
  g_assert_cmpuint(d[62], ==, 0xe4);              /* ä in UTF-16LE */
  g_assert_cmpuint(mbim_read_u32(d + 36), ==, 0); /* empty RoamingText: no offset, no size */
  g_assert_cmpuint(mbim_read_u32(d + 40), ==, 0);
  g_assert_cmpuint(g_bytes_get_size(b), ==, 68);
  back = mbim_registration_state_info_decode(d, g_bytes_get_size(b), &error);
  g_assert_no_error(error);
  g_assert_cmpstr(back->provider_name, ==, "Näť");
  g_assert_cmpstr(back->provider_id, ==, "26201");
  g_assert_cmpstr(back->roaming_text, ==, "");
  g_assert_cmpuint(back->register_state, ==, 3);
}

static char *
ip_text(const guint8 *addr, gsize n)
{
  return addr ? mbim_ip_to_string(addr, n) : g_strdup("none");
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
  g_autoptr(GError) error = NULL;
  g_autoptr(MbimIpConfigurationInfo) v = mbim_ip_configuration_info_decode(buf, sizeof buf, &error);
  g_autoptr(MbimIpConfigurationInfo) truncated = NULL;
  g_autoptr(GBytes) again = NULL;
  g_autofree char *address = NULL, *gateway = NULL, *gateway6 = NULL, *dns2 = NULL;

  g_assert_no_error(error);
  g_assert_cmpuint(v->n_ipv4_address, ==, 1);
  address = ip_text(v->ipv4_address[0].ipv4_address.addr, 4);
  g_assert_cmpstr(address, ==, "192.0.2.10");
  g_assert_cmpuint(v->ipv4_address[0].on_link_prefix_length, ==, 28);
  gateway = ip_text(v->ipv4_gateway ? v->ipv4_gateway->addr : NULL, 4);
  g_assert_cmpstr(gateway, ==, "192.0.2.1");
  gateway6 = ip_text(v->ipv6_gateway ? v->ipv6_gateway->addr : NULL, 16);
  g_assert_cmpstr(gateway6, ==, "none");
  g_assert_cmpuint(v->n_ipv4_dns_server, ==, 2);
  dns2 = ip_text(v->ipv4_dns_server[1].addr, 4);
  g_assert_cmpstr(dns2, ==, "192.0.2.54");
  g_assert_cmpuint(v->ipv4_mtu, ==, 1428);

  /* the encoder lays the same data out identically */
  again = mbim_ip_configuration_info_encode(v);
  assert_bytes(again, buf, sizeof buf);

  /* truncated buffers are refused, not overrun */
  truncated = mbim_ip_configuration_info_decode(buf, 70, &error);
  g_assert_null(truncated);
  g_assert_error(error, MBIM_PROTOCOL_ERROR, MBIM_PROTOCOL_ERROR_LENGTH_MISMATCH);
}

static void
test_providers_roundtrip(void)
{
  MbimProvider list[] = {
    { .provider_id = "26201", .provider_name = "One", .provider_state = 8 },
    { .provider_id = "26202", .provider_name = "Two" },
  };
  const MbimProviders in = { .n_providers = 2, .providers = list };
  g_autoptr(GBytes) b = mbim_providers_encode(&in);
  g_autoptr(MbimProviders) back = NULL;
  g_autoptr(GError) error = NULL;
  const guint8 *d = g_bytes_get_data(b, NULL);

  g_assert_cmpuint(mbim_read_u32(d), ==, 2);      /* count derived from the array */
  g_assert_cmpuint(mbim_read_u32(d + 4), ==, 20); /* first provider after the 2 pairs */
  back = mbim_providers_decode(d, g_bytes_get_size(b), &error);
  g_assert_no_error(error);
  g_assert_cmpuint(back->n_providers, ==, 2);
  g_assert_cmpstr(back->providers[1].provider_name, ==, "Two");
  g_assert_cmpstr(back->providers[0].provider_id, ==, "26201");
  g_assert_cmpuint(back->providers[0].provider_state, ==, 8);
}

/* Every structure's encoder and decoder agree: what one writes, the other
 * reads back to the same bytes. */
static void
test_every_codec_roundtrips_zeros(void)
{
  for (guint i = 0; i < mbim_n_struct_codecs; i++) {
    const MbimStructCodec *c = &mbim_struct_codecs[i];
    gpointer zeros = g_malloc0(4096);
    g_autoptr(GBytes) b = c->encode(zeros);
    g_autoptr(GError) error = NULL;
    gpointer back = c->decode(g_bytes_get_data(b, NULL), g_bytes_get_size(b), &error);
    g_autoptr(GBytes) again = NULL;

    g_test_message("%s", c->name);
    g_assert_no_error(error);
    again = c->encode(back);
    g_assert_true(g_bytes_equal(b, again));
    mbim_decoded_free(back);
    g_free(zeros);
  }
}

static void
test_describe_message(void)
{
  const MbimSubscriberReadyInfo in = { .ready_state = 1,
                                       .subscriber_id = "262011234567890",
                                       .sim_icc_id = "8949020000012345678" };
  g_autoptr(GBytes) buf = mbim_subscriber_ready_info_encode(&in);
  g_autoptr(GBytes) raw
      = mbim_message_new_indication(mbim_uuid_basic_connect, MBIM_CID_SUBSCRIBER_READY_STATUS,
                                    g_bytes_get_data(buf, NULL), g_bytes_get_size(buf));
  g_autoptr(MbimMessage) m = mbim_message_parse(raw, NULL);
  g_autofree char *masked = NULL;
  g_autofree char *full = NULL;

  mbim_log_set_policy(NULL, FALSE);
  masked = mbim_message_describe(m);
  g_assert_nonnull(strstr(masked, "INDICATE_STATUS tid=0 basic-connect/subscriber-ready-status"));
  g_assert_nonnull(strstr(masked, "SubscriberId: '262011*********'"));
  g_assert_null(strstr(masked, "2620112"));
  mbim_log_set_policy(NULL, TRUE);
  full = mbim_message_describe(m);
  g_assert_nonnull(strstr(full, "SubscriberId: '262011234567890'"));
  mbim_log_set_policy(NULL, FALSE);
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
  g_test_add_func("/mbim/every-codec-roundtrips-zeros", test_every_codec_roundtrips_zeros);
  g_test_add_func("/mbim/describe-message", test_describe_message);
  return g_test_run();
}
