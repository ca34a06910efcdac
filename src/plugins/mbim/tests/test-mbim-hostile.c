/* What a hostile function can send, as crafted byte vectors: fragments that
 * claim gigabytes, buffers whose references all point at the same bytes,
 * counts beyond the buffer, empty buffers, broken UTF-16. Each test asserts
 * that memory and time stay bounded and that the input is refused, not only
 * that nothing crashes. */
#include <string.h>
#include <sys/resource.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include "mbim-generated.h"

#if defined(__SANITIZE_ADDRESS__)
#define HAVE_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HAVE_ASAN 1
#endif
#endif

#ifdef HAVE_ASAN
/* from the sanitizer runtime (sanitizer/allocator_interface.h, not shipped with gcc) */
size_t __sanitizer_get_current_allocated_bytes(void);
#endif

/* Bytes the process holds on the heap now (ASan's count under ASan, where
 * malloc is its own). */
static gssize
heap_in_use(void)
{
#ifdef HAVE_ASAN
  return __sanitizer_get_current_allocated_bytes();
#elif defined(__GLIBC__)
  struct mallinfo2 mi = mallinfo2();

  return mi.uordblks + mi.hblkhd;
#else
  return -1;
#endif
}

/* The most memory the process has ever had resident, in KiB. */
static glong
peak_rss_kib(void)
{
  struct rusage ru;

  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss;
}

static void
put_u32(guint8 *b, gsize at, guint32 v)
{
  mbim_write_u32(b + at, v);
}

/* ---- fragments ---- */

static guint8 *
fragment(guint32 tid, guint32 total, guint32 current, gsize len)
{
  guint8 *f = g_malloc0(len);

  put_u32(f, 0, MBIM_MESSAGE_TYPE_COMMAND_DONE);
  put_u32(f, 4, len);
  put_u32(f, 8, tid);
  put_u32(f, 12, total);
  put_u32(f, 16, current);
  return f;
}

static void
test_fragment_claiming_4gib(void)
{
  MbimReassembler *r = mbim_reassembler_new(4096);
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *tiny = fragment(7, G_MAXUINT32, 0, 20);
  g_autofree guint8 *full = fragment(8, G_MAXUINT32, 0, 4096);
  g_autofree guint8 *plausible = fragment(9, 17, 0, 20);
  gssize before = heap_in_use();
  GBytes *whole;
  guint32 etid = 0;

  if (before < 0) {
    g_test_skip("no way to measure the heap here");
    mbim_reassembler_free(r);
    return;
  }
  /* 20 bytes that claim 2^32 - 1 fragments: refused, nothing reserved */
  whole = mbim_reassembler_push(r, tiny, 20, &etid, &error);
  g_assert_null(whole);
  g_assert_error(error, MBIM_PROTOCOL_ERROR, MBIM_PROTOCOL_ERROR_FRAGMENT_OUT_OF_SEQUENCE);
  g_assert_cmpuint(etid, ==, 7);
  g_assert_cmpint(heap_in_use() - before, <, 4096);
  g_clear_error(&error);
  whole = mbim_reassembler_push(r, full, 4096, &etid, &error);
  g_assert_null(whole);
  g_assert_error(error, MBIM_PROTOCOL_ERROR, MBIM_PROTOCOL_ERROR_FRAGMENT_OUT_OF_SEQUENCE);
  g_clear_error(&error);
  /* a plausible first fragment holds what arrived, not what it announces */
  whole = mbim_reassembler_push(r, plausible, 20, &etid, &error);
  g_assert_null(whole);
  g_assert_no_error(error);
  g_assert_cmpint(heap_in_use() - before, <, 4096);
  mbim_reassembler_free(r);
}

static void
test_reassembly_capped(void)
{
  MbimReassembler *r = mbim_reassembler_new(4096);
  gssize before = heap_in_use();
  g_autoptr(GError) error = NULL;
  guint32 etid = 0;
  guint pushed = 0;

  /* 100 full fragments would make 400 KiB: dropped once past the cap */
  for (guint32 i = 0; i < 100 && !error; i++, pushed++) {
    g_autofree guint8 *f = fragment(5, 100, i, 4096);

    g_assert_null(mbim_reassembler_push(r, f, 4096, &etid, &error));
  }
  g_assert_error(error, MBIM_PROTOCOL_ERROR, MBIM_PROTOCOL_ERROR_MAX_TRANSFER);
  g_assert_cmpuint(etid, ==, 5);
  /* the first fragment and 16 more of 4076 bytes each make 69312 bytes > 65535 */
  g_assert_cmpuint(pushed, ==, 17);
  /* the partial message is gone: its memory and its sequence */
  if (before >= 0)
    g_assert_cmpint(heap_in_use() - before, <, 4096);
  g_clear_error(&error);
  {
    g_autofree guint8 *f = fragment(5, 100, pushed, 4096);

    g_assert_null(mbim_reassembler_push(r, f, 4096, &etid, &error));
    g_assert_error(error, MBIM_PROTOCOL_ERROR, MBIM_PROTOCOL_ERROR_FRAGMENT_OUT_OF_SEQUENCE);
  }
  mbim_reassembler_free(r);
}

static void
test_fragment_rules(void)
{
  MbimReassembler *r = mbim_reassembler_new(64);
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *big = fragment(1, 1, 0, 65);
  g_autofree guint8 *first = fragment(2, 3, 0, 64);
  g_autofree guint8 *stranger = fragment(3, 3, 1, 64);
  g_autofree guint8 *restart = fragment(4, 2, 0, 64);
  g_autofree guint8 *last = fragment(4, 2, 1, 30);
  g_autoptr(GBytes) status = mbim_message_new_status(MBIM_MESSAGE_TYPE_FUNCTION_ERROR, 4, 1);
  g_autoptr(GBytes) whole = NULL;
  guint32 etid = 0;

  /* longer than the transfer size the host announced */
  g_assert_null(mbim_reassembler_push(r, big, 65, &etid, &error));
  g_assert_error(error, MBIM_PROTOCOL_ERROR, MBIM_PROTOCOL_ERROR_MAX_TRANSFER);
  g_clear_error(&error);
  /* a length field that does not match what arrived */
  put_u32(big, 4, 64);
  g_assert_null(mbim_reassembler_push(r, big, 60, &etid, &error));
  g_assert_error(error, MBIM_PROTOCOL_ERROR, MBIM_PROTOCOL_ERROR_LENGTH_MISMATCH);
  g_clear_error(&error);
  /* a fragment of another transaction ends the message in progress */
  g_assert_null(mbim_reassembler_push(r, first, 64, &etid, &error));
  g_assert_no_error(error);
  g_assert_null(mbim_reassembler_push(r, stranger, 64, &etid, &error));
  g_assert_error(error, MBIM_PROTOCOL_ERROR, MBIM_PROTOCOL_ERROR_FRAGMENT_OUT_OF_SEQUENCE);
  g_assert_cmpuint(etid, ==, 2);
  g_clear_error(&error);
  /* a new first fragment ends the one in progress and starts over */
  g_assert_null(mbim_reassembler_push(r, first, 64, &etid, &error));
  g_assert_null(mbim_reassembler_push(r, restart, 64, &etid, &error));
  g_assert_error(error, MBIM_PROTOCOL_ERROR, MBIM_PROTOCOL_ERROR_FRAGMENT_OUT_OF_SEQUENCE);
  g_assert_cmpuint(etid, ==, 2);
  g_clear_error(&error);
  whole = mbim_reassembler_push(r, last, 30, &etid, &error);
  g_assert_no_error(error);
  g_assert_cmpuint(g_bytes_get_size(whole), ==, 64 + 10);
  g_clear_pointer(&whole, g_bytes_unref);
  /* a whole message in between is delivered, the partial one dropped */
  g_assert_null(mbim_reassembler_push(r, first, 64, &etid, &error));
  whole = mbim_reassembler_push(r, g_bytes_get_data(status, NULL), g_bytes_get_size(status), &etid,
                                &error);
  g_assert_true(g_bytes_equal(whole, status));
  g_assert_error(error, MBIM_PROTOCOL_ERROR, MBIM_PROTOCOL_ERROR_FRAGMENT_OUT_OF_SEQUENCE);
  g_assert_cmpuint(etid, ==, 2);
  mbim_reassembler_free(r);
}

/* ---- amplification ---- */

/* A Providers buffer of count references that all point at one provider,
 * whose name is name_bytes of UTF-16. */
static GBytes *
shared_provider(guint32 count, guint32 name_bytes)
{
  gsize element = 4 + 8 * (gsize)count;
  gsize len = element + 32 + name_bytes;
  guint8 *b = g_malloc0(len);

  put_u32(b, 0, count);
  for (guint32 i = 0; i < count; i++) {
    put_u32(b, 4 + 8 * i, element);
    put_u32(b, 8 + 8 * i, 32 + name_bytes);
  }
  put_u32(b, element + 12, 32); /* ProviderName: offset from the provider, size */
  put_u32(b, element + 16, name_bytes);
  for (gsize i = 0; i < name_bytes / 2; i++)
    b[element + 32 + 2 * i] = 'A';
  return g_bytes_new_take(b, len);
}

/* Decodes, describes and dispatches a 64 KiB PREFERRED_PROVIDERS indication
 * of 4096 references to one 32000-byte name: this once took 9 s and built a
 * 402-million-character description. Run in a child so that its peak
 * memory is its own. */
static void
test_amplified_providers(void)
{
  g_autoptr(GBytes) buf = NULL;
  g_autoptr(GBytes) raw = NULL;
  g_autoptr(MbimMessage) m = NULL;
  g_autoptr(MbimProviders) decoded = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *description = NULL;
  MbimNotification n;
  glong rss_before;
  gint64 start;

  if (!g_test_subprocess()) {
    g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
    g_test_trap_assert_passed();
    return;
  }
  buf = shared_provider(4096, 32000);
  raw = mbim_message_new_indication(mbim_uuid_basic_connect, MBIM_CID_PREFERRED_PROVIDERS,
                                    g_bytes_get_data(buf, NULL), g_bytes_get_size(buf));
  g_assert_cmpuint(g_bytes_get_size(raw), <=, MBIM_MAX_MESSAGE_SIZE);
  m = mbim_message_parse(raw, &error);
  g_assert_no_error(error);
  rss_before = peak_rss_kib();
  start = g_get_monotonic_time();

  decoded = mbim_providers_decode(m->buf, m->buf_len, &error);
  g_assert_null(decoded);
  g_assert_error(error, MBIM_PROTOCOL_ERROR, MBIM_PROTOCOL_ERROR_LENGTH_MISMATCH);
  g_clear_error(&error);
  g_assert_false(mbim_notification_decode(m, &n, &error));
  g_assert_nonnull(error);
  description = mbim_message_describe(m);
  g_assert_cmpuint(strlen(description), <=, MBIM_DESCRIPTION_MAX + 3);
  g_assert_nonnull(strstr(description, "undecodable"));

  g_assert_cmpint(g_get_monotonic_time() - start, <, G_USEC_PER_SEC);
  g_assert_cmpint(peak_rss_kib() - rss_before, <, 16 * 1024);
}

static void
test_amplified_string_array(void)
{
  const guint32 count = 4096, text = 28 + 8 * 4096;
  const gsize len = text + 2;
  g_autofree guint8 *b = g_malloc0(len);
  g_autoptr(GError) error = NULL;
  g_autoptr(MbimSubscriberReadyInfo) v = NULL;
  gssize before = heap_in_use();

  put_u32(b, 24, count); /* TelephoneNumbersCount; the pairs follow it */
  for (guint32 i = 0; i < count; i++) {
    put_u32(b, 28 + 8 * i, text);
    put_u32(b, 32 + 8 * i, 2);
  }
  b[text] = '5';
  v = mbim_subscriber_ready_info_decode(b, len, &error);
  g_assert_null(v);
  g_assert_error(error, MBIM_PROTOCOL_ERROR, MBIM_PROTOCOL_ERROR_LENGTH_MISMATCH);
  g_assert_nonnull(strstr(error->message, "share"));
  if (before >= 0)
    g_assert_cmpint(heap_in_use() - before, <, 4096);
}

static void
test_counts_beyond_the_buffer(void)
{
  guint8 providers[8] = { 0 };
  guint8 ip[60] = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(MbimProviders) p = NULL;
  g_autoptr(MbimIpConfigurationInfo) c = NULL;
  gssize before = heap_in_use();

  put_u32(providers, 0, G_MAXUINT32);
  p = mbim_providers_decode(providers, sizeof providers, &error);
  g_assert_null(p);
  g_assert_nonnull(strstr(error->message, "more elements than the buffer holds"));
  g_clear_error(&error);
  put_u32(ip, 36, 0x40000000); /* IPv4DnsServerCount */
  put_u32(ip, 40, 60);
  c = mbim_ip_configuration_info_decode(ip, sizeof ip, &error);
  g_assert_null(c);
  g_assert_nonnull(strstr(error->message, "IPv4DnsServer"));
  if (before >= 0)
    g_assert_cmpint(heap_in_use() - before, <, 4096);
}

/* An answer without a buffer used to decode from NULL + 0. */
static void
test_empty_buffers(void)
{
  static const guint8 nothing[1];

  for (guint i = 0; i < mbim_n_struct_codecs; i++) {
    const MbimStructCodec *c = &mbim_struct_codecs[i];
    g_autoptr(GError) error = NULL;
    g_autoptr(GError) error2 = NULL;
    g_autoptr(GString) s = g_string_new(NULL);

    g_assert_null(c->decode(NULL, 0, &error));
    g_assert_error(error, MBIM_PROTOCOL_ERROR, MBIM_PROTOCOL_ERROR_LENGTH_MISMATCH);
    g_assert_null(c->decode(nothing, 0, &error2));
    c->describe(NULL, 0, s);
    g_assert_true(g_str_has_prefix(s->str, "(undecodable: "));
  }
}

static void
test_overlapping_references(void)
{
  guint8 b[56] = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(MbimRegistrationStateInfo) shared = NULL;
  g_autoptr(MbimRegistrationStateInfo) inside_fixed = NULL;
  g_autoptr(MbimRegistrationStateInfo) apart = NULL;

  put_u32(b, 20, 48); /* ProviderId at 48, 4 bytes */
  put_u32(b, 24, 4);
  put_u32(b, 28, 48); /* ProviderName: the same bytes */
  put_u32(b, 32, 4);
  b[48] = 'a';
  b[50] = 'b';
  b[52] = 'c';
  shared = mbim_registration_state_info_decode(b, sizeof b, &error);
  g_assert_null(shared);
  g_assert_nonnull(strstr(error->message, "share bytes"));
  g_clear_error(&error);
  put_u32(b, 28, 0); /* ProviderName inside the fixed part */
  inside_fixed = mbim_registration_state_info_decode(b, sizeof b, &error);
  g_assert_null(inside_fixed);
  g_clear_error(&error);
  put_u32(b, 28, 52); /* next to each other: fine */
  apart = mbim_registration_state_info_decode(b, sizeof b, &error);
  g_assert_no_error(error);
  g_assert_cmpstr(apart->provider_id, ==, "ab");
  g_assert_cmpstr(apart->provider_name, ==, "c");
}

static void
test_utf16(void)
{
  /* lone high surrogate, 'A', U+1F600 as a pair, lone low surrogate, NUL, 'B' */
  static const guint16 units[] = { 0xd800, 'A', 0xd83d, 0xde00, 0xdc00, 0, 'B' };
  guint8 b[48 + sizeof units] = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(MbimRegistrationStateInfo) v = NULL;
  g_autoptr(MbimRegistrationStateInfo) odd = NULL;

  for (gsize i = 0; i < G_N_ELEMENTS(units); i++) {
    b[48 + 2 * i] = units[i] & 0xff;
    b[48 + 2 * i + 1] = units[i] >> 8;
  }
  put_u32(b, 28, 48);
  put_u32(b, 32, sizeof units);
  v = mbim_registration_state_info_decode(b, sizeof b, &error);
  g_assert_no_error(error);
  g_assert_true(g_utf8_validate(v->provider_name, -1, NULL));
  g_assert_cmpstr(v->provider_name, ==,
                  "\xef\xbf\xbd"
                  "A\xf0\x9f\x98\x80\xef\xbf\xbd");
  put_u32(b, 32, 3);
  odd = mbim_registration_state_info_decode(b, sizeof b, &error);
  g_assert_null(odd);
  g_assert_nonnull(strstr(error->message, "odd number"));
}

/* A long but honest buffer: decoded in full, described in one line of
 * bounded length. */
static void
test_long_description_cut(void)
{
  MbimProvider list[300];
  char *names[G_N_ELEMENTS(list)];
  g_autoptr(GBytes) buf = NULL;
  g_autoptr(GBytes) raw = NULL;
  g_autoptr(MbimMessage) m = NULL;
  g_autoptr(MbimProviders) back = NULL;
  g_autofree char *d = NULL;
  MbimProviders in = { .n_providers = G_N_ELEMENTS(list), .providers = list };

  for (guint i = 0; i < G_N_ELEMENTS(list); i++) {
    names[i] = g_strdup_printf("Network number %u with a name", i);
    list[i] = (MbimProvider){ .provider_id = "26201", .provider_name = names[i] };
  }
  buf = mbim_providers_encode(&in);
  back = mbim_providers_decode(g_bytes_get_data(buf, NULL), g_bytes_get_size(buf), NULL);
  g_assert_nonnull(back);
  g_assert_cmpstr(back->providers[299].provider_name, ==, names[299]);
  raw = mbim_message_new_command_done(1, mbim_uuid_basic_connect, MBIM_CID_VISIBLE_PROVIDERS, 0,
                                      g_bytes_get_data(buf, NULL), g_bytes_get_size(buf));
  m = mbim_message_parse(raw, NULL);
  d = mbim_message_describe(m);
  g_assert_cmpuint(strlen(d), <=, MBIM_DESCRIPTION_MAX + 3);
  g_assert_true(g_str_has_suffix(d, "..."));
  g_assert_true(g_utf8_validate(d, -1, NULL));
  for (guint i = 0; i < G_N_ELEMENTS(names); i++)
    g_clear_pointer(&names[i], g_free);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/mbim/hostile/fragment-claiming-4gib", test_fragment_claiming_4gib);
  g_test_add_func("/mbim/hostile/reassembly-capped", test_reassembly_capped);
  g_test_add_func("/mbim/hostile/fragment-rules", test_fragment_rules);
  g_test_add_func("/mbim/hostile/amplified-providers", test_amplified_providers);
  g_test_add_func("/mbim/hostile/amplified-string-array", test_amplified_string_array);
  g_test_add_func("/mbim/hostile/counts-beyond-the-buffer", test_counts_beyond_the_buffer);
  g_test_add_func("/mbim/hostile/empty-buffers", test_empty_buffers);
  g_test_add_func("/mbim/hostile/overlapping-references", test_overlapping_references);
  g_test_add_func("/mbim/hostile/utf16", test_utf16);
  g_test_add_func("/mbim/hostile/long-description-cut", test_long_description_cut);
  return g_test_run();
}
