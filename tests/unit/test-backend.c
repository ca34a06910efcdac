/* The test backend (see test-backend.h). */
#include "test-backend.h"

#include "mmd-errors.h"

struct _TestBackend {
  MmdBackend parent;

  GString *calls;
  GHashTable *failures; /* op -> GError */
  GHashTable *holds;    /* op -> GTask (NULL value: hold the next call) */
  gboolean radio_on;
  gboolean pin_locked;
  gboolean no_disconnect;
  gboolean register_on_radio;
  gboolean signal_events_fail;
  guint refreshes;
  GPtrArray *sms_storage; /* MmdSmsRecord */
  GPtrArray *sms_sent;    /* hex strings */
  guint next_reference;
  guint next_call_id;
  gboolean call_waiting;
};

G_DEFINE_TYPE(TestBackend, test_backend, MMD_TYPE_BACKEND)

TestBackendConfig test_backend_config = { TEST_CAP_ALL, FALSE, FALSE, TRUE };
static TestBackend *last_backend;

static void
test_backend_finalize(GObject *object)
{
  TestBackend *self = TEST_BACKEND(object);

  if (last_backend == self)
    last_backend = NULL;
  g_string_free(self->calls, TRUE);
  g_hash_table_unref(self->failures);
  g_hash_table_unref(self->holds);
  g_ptr_array_unref(self->sms_storage);
  g_ptr_array_unref(self->sms_sent);
  G_OBJECT_CLASS(test_backend_parent_class)->finalize(object);
}

static void
unref_task(gpointer task)
{
  if (task)
    g_object_unref(task);
}

static void
test_backend_init(TestBackend *self)
{
  self->calls = g_string_new("");
  self->failures
      = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify)g_error_free);
  self->holds = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, unref_task);
  self->sms_storage = g_ptr_array_new_with_free_func((GDestroyNotify)mmd_sms_record_free);
  self->sms_sent = g_ptr_array_new_with_free_func(g_free);
  self->next_reference = 42;
  self->next_call_id = 1;
}

/* Records the call; answers now (success or the scripted error), or keeps
 * the task for the test. Returns the task when the operation itself should
 * complete it (success), NULL when it was answered or held. */
static GTask *
begin(TestBackend *self, const char *op, GCancellable *cancellable, GAsyncReadyCallback callback,
      gpointer user_data)
{
  GTask *task = g_task_new(self, cancellable, callback, user_data);
  GError *error = NULL;

  if (self->calls->len)
    g_string_append_c(self->calls, ',');
  g_string_append(self->calls, op);
  if (g_hash_table_lookup_extended(self->failures, op, NULL, NULL)) {
    error = g_error_copy(g_hash_table_lookup(self->failures, op));
    g_hash_table_remove(self->failures, op);
    g_task_return_error(task, error);
    g_object_unref(task);
    return NULL;
  }
  if (g_hash_table_contains(self->holds, op) && !g_hash_table_lookup(self->holds, op)) {
    g_hash_table_replace(self->holds, g_strdup(op), task);
    return NULL;
  }
  return task;
}

static void
succeed(GTask *task)
{
  if (!task)
    return;
  g_task_return_boolean(task, TRUE);
  g_object_unref(task);
}

/* Effects of a successful operation, also run when a held one is released. */
static void
apply(TestBackend *self, const char *op)
{
  MmdModem *modem = mmd_backend_get_modem(MMD_BACKEND(self));

  if (g_str_equal(op, "set_radio(on)") && self->register_on_radio)
    mmd_modem_set_registration(modem, MMD_MODEM_3GPP_REGISTRATION_STATE_HOME, "26201", "Testnet",
                               MMD_MODEM_ACCESS_TECHNOLOGY_LTE);
}

static void
initialize(MmdBackend *backend, GCancellable *cancellable, GAsyncReadyCallback callback,
           gpointer user_data)
{
  TestBackend *self = TEST_BACKEND(backend);
  MmdModem *modem = mmd_backend_get_modem(backend);
  GTask *task = begin(self, "initialize", cancellable, callback, user_data);
  static const guint modes[][2] = { { MMD_MODEM_MODE_4G, MMD_MODEM_MODE_NONE },
                                    { MMD_MODEM_MODE_3G | MMD_MODEM_MODE_4G, MMD_MODEM_MODE_4G } };

  mmd_modem_set_identity(modem, "Test", "Backend", "1.0", NULL);
  mmd_modem_set_equipment_identifier(modem, "490154203237518");
  mmd_modem_set_sim(modem, "89490200001234567890", "262011234567890", "26201", "Testnet");
  mmd_modem_set_unlock_required(modem,
                                self->pin_locked ? MMD_MODEM_LOCK_SIM_PIN : MMD_MODEM_LOCK_NONE);
  mmd_modem_set_supported_modes(modem, modes, G_N_ELEMENTS(modes));
  succeed(task);
}

static void
send_pin(MmdBackend *backend, const char *pin, GCancellable *cancellable,
         GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = begin(TEST_BACKEND(backend), "send_pin", cancellable, callback, user_data);

  if (task && g_strcmp0(pin, "1234") != 0) {
    mmd_modem_set_unlock_retries(mmd_backend_get_modem(backend), MMD_MODEM_LOCK_SIM_PIN, 2);
    g_task_return_new_error(task, MMD_MOBILE_EQUIPMENT_ERROR,
                            MMD_MOBILE_EQUIPMENT_ERROR_INCORRECT_PASSWORD, "Wrong PIN");
    g_object_unref(task);
    return;
  }
  succeed(task);
}

static void
enable_pin(MmdBackend *backend, const char *pin, gboolean enabled, GCancellable *cancellable,
           GAsyncReadyCallback callback, gpointer user_data)
{
  succeed(begin(TEST_BACKEND(backend), "enable_pin", cancellable, callback, user_data));
}

static void
set_radio(MmdBackend *backend, gboolean on, GCancellable *cancellable, GAsyncReadyCallback callback,
          gpointer user_data)
{
  TestBackend *self = TEST_BACKEND(backend);
  const char *op = on ? "set_radio(on)" : "set_radio(off)";
  GTask *task = begin(self, op, cancellable, callback, user_data);

  if (task)
    apply(self, op);
  succeed(task);
}

static void
set_current_modes(MmdBackend *backend, guint allowed, guint preferred, GCancellable *cancellable,
                  GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = begin(TEST_BACKEND(backend), "set_current_modes", cancellable, callback, user_data);

  if (task)
    mmd_modem_set_current_modes(mmd_backend_get_modem(backend), allowed, preferred);
  succeed(task);
}

static void
scan(MmdBackend *backend, GCancellable *cancellable, GAsyncReadyCallback callback,
     gpointer user_data)
{
  GTask *task = begin(TEST_BACKEND(backend), "scan", cancellable, callback, user_data);
  GVariantBuilder list;

  if (!task)
    return;
  g_variant_builder_init(&list, G_VARIANT_TYPE("aa{sv}"));
  mmd_scan_result_add(&list, MMD_MODEM_3GPP_NETWORK_AVAILABILITY_CURRENT, "Testnet", "T", "26201",
                      MMD_MODEM_ACCESS_TECHNOLOGY_LTE);
  g_task_return_pointer(task, g_variant_ref_sink(g_variant_builder_end(&list)),
                        (GDestroyNotify)g_variant_unref);
  g_object_unref(task);
}

static void
refresh_signal(MmdBackend *backend, GCancellable *cancellable, GAsyncReadyCallback callback,
               gpointer user_data)
{
  GTask *task = g_task_new(backend, cancellable, callback, user_data);

  /* Counted, not recorded: polling is the signal room's business. */
  TEST_BACKEND(backend)->refreshes++;
  mmd_modem_set_signal_quality(mmd_backend_get_modem(backend), 70);
  succeed(task);
}

static void
connect_bearer(MmdBackend *backend, MmdBearer *bearer, GCancellable *cancellable,
               GAsyncReadyCallback callback, gpointer user_data)
{
  gboolean mux = mmd_bearer_is_multiplexed(bearer);
  GTask *task = begin(TEST_BACKEND(backend), mux ? "connect(mux)" : "connect", cancellable,
                      callback, user_data);
  MmdIpConfig ip4
      = { MMD_BEARER_IP_METHOD_STATIC, "10.0.0.2", 24, "10.0.0.1", { "10.0.0.53" }, 1500 };
  /* a multiplexed session gets a link of its own, named after its bearer */
  g_autofree char *link = g_strdup_printf("mux%s", strrchr(mmd_bearer_get_path(bearer), '/') + 1);

  if (task)
    mmd_bearer_set_connected(bearer, mux ? link : "wwan0", &ip4, NULL);
  succeed(task);
}

static void
disconnect_bearer(MmdBackend *backend, MmdBearer *bearer, GCancellable *cancellable,
                  GAsyncReadyCallback callback, gpointer user_data)
{
  succeed(begin(TEST_BACKEND(backend), "disconnect", cancellable, callback, user_data));
}

/* Messaging */

GBytes *
test_hex_bytes(const char *hex)
{
  g_autoptr(GString) digits = g_string_new(NULL);
  GByteArray *bytes = g_byte_array_new();

  /* Vectors are written in groups; spaces may fall anywhere. */
  for (const char *c = hex; *c; c++)
    if (*c != ' ')
      g_string_append_c(digits, *c);
  g_assert_true(digits->len % 2 == 0);
  for (gsize i = 0; i < digits->len; i += 2) {
    guint8 b;
    g_assert_true(g_ascii_isxdigit(digits->str[i]) && g_ascii_isxdigit(digits->str[i + 1]));
    b = g_ascii_xdigit_value(digits->str[i]) << 4 | g_ascii_xdigit_value(digits->str[i + 1]);
    g_byte_array_append(bytes, &b, 1);
  }
  return g_byte_array_free_to_bytes(bytes);
}

void
test_backend_sms_put(TestBackend *self, MmdSmsStorage storage, guint index, MmdSmsRecordState state,
                     const char *pdu_hex)
{
  g_autoptr(GBytes) pdu = test_hex_bytes(pdu_hex);
  gsize len;
  const guint8 *data = g_bytes_get_data(pdu, &len);

  g_ptr_array_add(self->sms_storage, mmd_sms_record_new(storage, index, state, data, len));
}

GPtrArray *
test_backend_sms_sent(TestBackend *self)
{
  return self->sms_sent;
}

static MmdSmsRecord *
find_record(TestBackend *self, MmdSmsStorage storage, guint index)
{
  for (guint i = 0; i < self->sms_storage->len; i++) {
    MmdSmsRecord *r = g_ptr_array_index(self->sms_storage, i);
    if (r->storage == storage && r->index == index)
      return r;
  }
  return NULL;
}

gboolean
test_backend_sms_has(TestBackend *self, MmdSmsStorage storage, guint index)
{
  return find_record(self, storage, index) != NULL;
}

static void
sms_load(MmdBackend *backend, GCancellable *cancellable, GAsyncReadyCallback callback,
         gpointer user_data)
{
  TestBackend *self = TEST_BACKEND(backend);
  GTask *task = begin(self, "sms_load", cancellable, callback, user_data);
  GPtrArray *records = g_ptr_array_new_with_free_func((GDestroyNotify)mmd_sms_record_free);

  for (guint i = 0; i < self->sms_storage->len; i++) {
    MmdSmsRecord *r = g_ptr_array_index(self->sms_storage, i);
    gsize len;
    const guint8 *data = g_bytes_get_data(r->pdu, &len);
    g_ptr_array_add(records, mmd_sms_record_new(r->storage, r->index, r->state, data, len));
  }
  if (!task) {
    g_ptr_array_unref(records);
    return;
  }
  g_task_return_pointer(task, records, (GDestroyNotify)g_ptr_array_unref);
  g_object_unref(task);
}

static void
sms_send(MmdBackend *backend, GBytes *pdu, guint tpdu_len, GCancellable *cancellable,
         GAsyncReadyCallback callback, gpointer user_data)
{
  TestBackend *self = TEST_BACKEND(backend);
  GTask *task = begin(self, "sms_send", cancellable, callback, user_data);
  gsize len;
  const guint8 *data = g_bytes_get_data(pdu, &len);
  GString *hex = g_string_new(NULL);

  if (!task)
    return;
  for (gsize i = 0; i < len; i++)
    g_string_append_printf(hex, "%02X", data[i]);
  g_assert_cmpuint(tpdu_len, ==, len - 1 - data[0]);
  g_ptr_array_add(self->sms_sent, g_string_free(hex, FALSE));
  g_task_return_int(task, self->next_reference++);
  g_object_unref(task);
}

static void
sms_delete(MmdBackend *backend, MmdSmsStorage storage, guint index, GCancellable *cancellable,
           GAsyncReadyCallback callback, gpointer user_data)
{
  TestBackend *self = TEST_BACKEND(backend);
  GTask *task = begin(self, "sms_delete", cancellable, callback, user_data);
  MmdSmsRecord *r = find_record(self, storage, index);

  if (!task)
    return;
  if (r)
    g_ptr_array_remove(self->sms_storage, r);
  succeed(task);
}

/* Events: time, location, cell broadcast, signal */

static void
get_network_time(MmdBackend *backend, GCancellable *cancellable, GAsyncReadyCallback callback,
                 gpointer user_data)
{
  GTask *task = begin(TEST_BACKEND(backend), "get_network_time", cancellable, callback, user_data);

  if (!task)
    return;
  g_task_return_pointer(task, g_strdup("2026-11-30T12:00:00+01:00"), g_free);
  g_object_unref(task);
}

static void
setup_gps(MmdBackend *backend, guint sources, GCancellable *cancellable,
          GAsyncReadyCallback callback, gpointer user_data)
{
  g_autofree char *op = g_strdup_printf("setup_gps(0x%x)", sources);

  succeed(begin(TEST_BACKEND(backend), op, cancellable, callback, user_data));
}

static void
set_channels(MmdBackend *backend, const MmdCbsChannelRange *ranges, gsize n_ranges,
             GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  g_autofree char *op = g_strdup_printf("set_channels(%zu)", n_ranges);

  succeed(begin(TEST_BACKEND(backend), op, cancellable, callback, user_data));
}

static void
setup_signal_events(MmdBackend *backend, guint rssi_threshold, GCancellable *cancellable,
                    GAsyncReadyCallback callback, gpointer user_data)
{
  TestBackend *self = TEST_BACKEND(backend);
  g_autofree char *op = g_strdup_printf("signal_events(%u)", rssi_threshold);
  GTask *task = begin(self, op, cancellable, callback, user_data);

  if (task && self->signal_events_fail) {
    g_task_return_new_error(task, MMD_CORE_ERROR, MMD_CORE_ERROR_UNSUPPORTED, "no indications");
    g_object_unref(task);
    return;
  }
  if (task)
    mmd_modem_set_signal_quality(mmd_backend_get_modem(backend), 66);
  succeed(task);
}

static void
provide_events(MmdModem *modem, MmdBackend *backend)
{
  static const MmdTimeOps time_ops = { .get_network_time = get_network_time };
  static const MmdLocationOps location_ops = { .setup_gps = setup_gps };
  static const MmdCellBroadcastOps cbs_ops = { .set_channels = set_channels };
  static const MmdSignalOps signal_ops = { .setup_events = setup_signal_events };

  mmd_modem_provide_time(modem, &time_ops, backend);
  mmd_modem_provide_location(modem, &location_ops, backend);
  mmd_modem_set_location_capabilities(modem, MMD_MODEM_LOCATION_SOURCE_3GPP_LAC_CI
                                                 | MMD_MODEM_LOCATION_SOURCE_GPS_RAW
                                                 | MMD_MODEM_LOCATION_SOURCE_GPS_NMEA);
  mmd_modem_provide_cell_broadcast(modem, &cbs_ops, backend);
  mmd_modem_provide_signal(modem, &signal_ops, backend);
}

/* Voice and USSD */

static void
dial(MmdBackend *backend, const char *number, GCancellable *cancellable,
     GAsyncReadyCallback callback, gpointer user_data)
{
  TestBackend *self = TEST_BACKEND(backend);
  g_autofree char *op = g_strdup_printf("dial(%s)", number);
  GTask *task = begin(self, op, cancellable, callback, user_data);

  if (!task)
    return;
  g_task_return_int(task, self->next_call_id++);
  g_object_unref(task);
}

/* An operation on one call, recorded as "op(id)". */
#define CALL_OP(name)                                                                              \
  static void name(MmdBackend *backend, guint call_id, GCancellable *cancellable,                  \
                   GAsyncReadyCallback callback, gpointer user_data)                               \
  {                                                                                                \
    g_autofree char *op = g_strdup_printf(#name "(%u)", call_id);                                  \
    succeed(begin(TEST_BACKEND(backend), op, cancellable, callback, user_data));                   \
  }
CALL_OP(accept)
CALL_OP(hangup)
CALL_OP(join_multiparty)
CALL_OP(leave_multiparty)

/* An operation on every call, recorded by its name. */
#define CALLS_OP(name)                                                                             \
  static void name(MmdBackend *backend, GCancellable *cancellable, GAsyncReadyCallback callback,   \
                   gpointer user_data)                                                             \
  {                                                                                                \
    succeed(begin(TEST_BACKEND(backend), #name, cancellable, callback, user_data));                \
  }
CALLS_OP(hangup_all)
CALLS_OP(hangup_and_accept)
CALLS_OP(hold_and_accept)
CALLS_OP(transfer)

static void
deflect(MmdBackend *backend, guint call_id, const char *number, GCancellable *cancellable,
        GAsyncReadyCallback callback, gpointer user_data)
{
  g_autofree char *op = g_strdup_printf("deflect(%u,%s)", call_id, number);

  succeed(begin(TEST_BACKEND(backend), op, cancellable, callback, user_data));
}

static void
send_dtmf(MmdBackend *backend, guint call_id, const char *dtmf, GCancellable *cancellable,
          GAsyncReadyCallback callback, gpointer user_data)
{
  g_autofree char *op = g_strdup_printf("send_dtmf(%u,%s)", call_id, dtmf);

  succeed(begin(TEST_BACKEND(backend), op, cancellable, callback, user_data));
}

static void
call_waiting_setup(MmdBackend *backend, gboolean enable, GCancellable *cancellable,
                   GAsyncReadyCallback callback, gpointer user_data)
{
  TestBackend *self = TEST_BACKEND(backend);
  GTask *task = begin(self, enable ? "call_waiting(on)" : "call_waiting(off)", cancellable,
                      callback, user_data);

  if (task)
    self->call_waiting = enable;
  succeed(task);
}

static void
call_waiting_query(MmdBackend *backend, GCancellable *cancellable, GAsyncReadyCallback callback,
                   gpointer user_data)
{
  TestBackend *self = TEST_BACKEND(backend);
  GTask *task = begin(self, "call_waiting_query", cancellable, callback, user_data);

  if (!task)
    return;
  g_task_return_int(task, self->call_waiting);
  g_object_unref(task);
}

static void
reply_ussd(GTask *task, const char *text, gboolean needs_response)
{
  if (!task)
    return;
  g_task_return_pointer(task, mmd_ussd_reply_new(text, needs_response),
                        (GDestroyNotify)mmd_ussd_reply_free);
  g_object_unref(task);
}

static void
ussd_initiate(MmdBackend *backend, const char *command, GCancellable *cancellable,
              GAsyncReadyCallback callback, gpointer user_data)
{
  g_autofree char *op = g_strdup_printf("ussd_initiate(%s)", command);
  GTask *task = begin(TEST_BACKEND(backend), op, cancellable, callback, user_data);

  if (g_str_equal(command, "*111#"))
    reply_ussd(task, "1. Balance 2. Data", TRUE);
  else
    reply_ussd(task, "Balance: 5.00 EUR", FALSE);
}

static void
ussd_respond(MmdBackend *backend, const char *response, GCancellable *cancellable,
             GAsyncReadyCallback callback, gpointer user_data)
{
  g_autofree char *op = g_strdup_printf("ussd_respond(%s)", response);

  reply_ussd(begin(TEST_BACKEND(backend), op, cancellable, callback, user_data), "Data: 1 GB left",
             FALSE);
}

static void
ussd_cancel(MmdBackend *backend, GCancellable *cancellable, GAsyncReadyCallback callback,
            gpointer user_data)
{
  succeed(begin(TEST_BACKEND(backend), "ussd_cancel", cancellable, callback, user_data));
}

static void
provide_voice(MmdModem *modem, MmdBackend *backend)
{
  static const MmdVoiceOps voice_ops = {
    .dial = dial,
    .accept = accept,
    .hangup = hangup,
    .deflect = deflect,
    .send_dtmf = send_dtmf,
    .join_multiparty = join_multiparty,
    .leave_multiparty = leave_multiparty,
    .hangup_all = hangup_all,
    .hangup_and_accept = hangup_and_accept,
    .hold_and_accept = hold_and_accept,
    .transfer = transfer,
    .call_waiting_setup = call_waiting_setup,
    .call_waiting_query = call_waiting_query,
  };
  static const MmdUssdOps ussd_ops
      = { .initiate = ussd_initiate, .respond = ussd_respond, .cancel = ussd_cancel };

  mmd_modem_provide_voice(modem, &voice_ops, backend);
  mmd_modem_provide_ussd(modem, &ussd_ops, backend);
}

static void
test_backend_class_init(TestBackendClass *klass)
{
  G_OBJECT_CLASS(klass)->finalize = test_backend_finalize;
  MMD_BACKEND_CLASS(klass)->initialize = initialize;
}

void
test_backend_fail(TestBackend *self, const char *op, GError *error)
{
  g_hash_table_replace(self->failures, g_strdup(op), error);
}

void
test_backend_hold(TestBackend *self, const char *op)
{
  g_hash_table_replace(self->holds, g_strdup(op), NULL);
}

gboolean
test_backend_has_held(TestBackend *self, const char *op)
{
  return g_hash_table_lookup(self->holds, op) != NULL;
}

void
test_backend_release(TestBackend *self, const char *op, GError *error)
{
  GTask *task = NULL;
  g_autofree char *key = NULL;

  g_assert_true(g_hash_table_steal_extended(self->holds, op, (gpointer *)&key, (gpointer *)&task));
  g_assert_nonnull(task);
  if (error) {
    g_task_return_error(task, error);
  } else {
    apply(self, op);
    g_task_return_boolean(task, TRUE);
  }
  g_object_unref(task);
}

void
test_backend_release_int(TestBackend *self, const char *op, gssize value)
{
  GTask *task = NULL;
  g_autofree char *key = NULL;

  g_assert_true(g_hash_table_steal_extended(self->holds, op, (gpointer *)&key, (gpointer *)&task));
  g_assert_nonnull(task);
  g_task_return_int(task, value);
  g_object_unref(task);
}

const char *
test_backend_calls(TestBackend *self)
{
  return self->calls->str;
}

void
test_backend_clear_calls(TestBackend *self)
{
  g_string_truncate(self->calls, 0);
}

TestBackend *
test_backend_last(void)
{
  return last_backend;
}

/* The plugin */

static gboolean
supports_port(MmdModemPortType type)
{
  return type == MMD_MODEM_PORT_TYPE_QMI;
}

static MmdBackend *
create(MmdModem *modem, const MmdDeviceInfo *info, GPtrArray *ports)
{
  static const MmdModemOps modem_ops = { .set_radio = set_radio };
  static const MmdSimOps sim_ops = { .send_pin = send_pin, .enable_pin = enable_pin };
  static const MmdNetworkOps network_ops = { .scan = scan, .set_current_modes = set_current_modes };
  static const MmdSignalOps signal_ops = { .refresh = refresh_signal };
  static const MmdBearerOps bearer_ops
      = { .connect = connect_bearer, .disconnect = disconnect_bearer };
  static const MmdBearerOps bearer_ops_no_disconnect = { .connect = connect_bearer };
  static const MmdMessagingOps messaging_ops
      = { .load = sms_load, .send = sms_send, .delete_stored = sms_delete };
  static const MmdSmsStorage storages[] = { MMD_SMS_STORAGE_SM, MMD_SMS_STORAGE_ME };
  const TestBackendConfig *config = &test_backend_config;
  TestBackend *self = g_object_new(TEST_TYPE_BACKEND, "modem", modem, NULL);
  MmdBackend *backend = MMD_BACKEND(self);

  self->pin_locked = config->pin_locked;
  self->register_on_radio = config->register_on_radio;
  self->signal_events_fail = config->signal_events_fail;
  if (config->caps & TEST_CAP_MODEM)
    mmd_modem_provide_modem(modem, &modem_ops, backend);
  if (config->caps & TEST_CAP_SIM)
    mmd_modem_provide_sim(modem, &sim_ops, backend);
  if (config->caps & TEST_CAP_NETWORK)
    mmd_modem_provide_network(modem, &network_ops, backend);
  if (config->caps & TEST_CAP_SIGNAL)
    mmd_modem_provide_signal(modem, &signal_ops, backend);
  if (config->caps & TEST_CAP_BEARERS)
    mmd_modem_provide_bearers(
        modem, config->no_disconnect ? &bearer_ops_no_disconnect : &bearer_ops, backend);
  if (config->caps & TEST_CAP_MESSAGING) {
    mmd_modem_provide_messaging(modem, &messaging_ops, backend);
    mmd_modem_set_sms_storages(modem, storages, G_N_ELEMENTS(storages), MMD_SMS_STORAGE_SM);
  }
  if (config->caps & TEST_CAP_EVENTS)
    provide_events(modem, backend);
  if (config->caps & TEST_CAP_VOICE)
    provide_voice(modem, backend);
  last_backend = self;
  return backend;
}

const MmdPlugin test_plugin = {
  .name = "test",
  .priority = 100,
  .supports_port = supports_port,
  .create = create,
};

guint
test_backend_refreshes(TestBackend *self)
{
  return self->refreshes;
}
