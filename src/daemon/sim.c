/* The SIM room: the SIM object and its PIN methods, unlocking, retries. */
#define G_LOG_DOMAIN "modemd-sim"

#include "sim.h"

#include <string.h>

#include "auth.h"
#include "log.h"
#include "method.h"
#include "mmd-errors.h"
#include "mmd-validate.h"
#include "providers.h"

/* The D-Bus object of a card; it outlives its modem while a call holds it. */
#define MMD_TYPE_SIM (mmd_sim_get_type())
G_DECLARE_FINAL_TYPE(MmdSim, mmd_sim, MMD, SIM, GObject)

struct _MmdSim {
  GObject parent;

  MmdModem *modem; /* weak */
  char *path;
  MdbusObjectSkeleton *object;
  MdbusSim *iface;
};

G_DEFINE_TYPE(MmdSim, mmd_sim, G_TYPE_OBJECT)

typedef struct {
  MmdModem *modem; /* weak: the modem owns its rooms */
  MmdProviders *providers;
  MmdSim *sim;              /* NULL while no card is known */
  char **emergency_numbers; /* what the card lists; NULL: the defaults */
} SimRoom;

static const char room_key[] = "sim";

/* Operations */

typedef struct {
  char *pin;
  char *puk;
  gboolean enabled;
  enum { OP_UNLOCK, OP_ENABLE_PIN, OP_CHANGE_PIN } kind;
} PinRequest;

static void
free_secret(char *secret)
{
  if (secret)
    memset(secret, 0, strlen(secret));
  g_free(secret);
}

static void
pin_request_free(PinRequest *req)
{
  free_secret(req->pin);
  free_secret(req->puk);
  g_free(req);
}

static SimRoom *
room_of(MmdModem *modem)
{
  return mmd_modem_get_room(modem, room_key);
}

static void
unlock_done(GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  MmdModem *modem = g_task_get_source_object(task);
  GError *error = NULL;

  if (!g_task_propagate_boolean(G_TASK(result), &error)) {
    g_message("%s: unlock failed: %s", mmd_modem_get_path(modem), error->message);
    g_task_return_error(task, error);
    return;
  }
  mmd_modem_set_unlock_required(modem, MMD_MODEM_LOCK_NONE);
  if (mmd_modem_get_state(modem) == MMD_MODEM_STATE_LOCKED)
    mmd_modem_set_state(modem, MMD_MODEM_STATE_DISABLED,
                        MMD_MODEM_STATE_CHANGE_REASON_USER_REQUESTED);
  g_task_return_boolean(task, TRUE);
}

static void
task_forward(GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (g_task_propagate_boolean(G_TASK(result), &error))
    g_task_return_boolean(task, TRUE);
  else
    g_task_return_error(task, error);
}

static GError *
check_lock(MmdModem *modem, const PinRequest *req)
{
  MmdModemLock lock = mmd_modem_get_unlock_required(modem);
  MmdModemLock needed = req->puk ? MMD_MODEM_LOCK_SIM_PUK : MMD_MODEM_LOCK_SIM_PIN;
  const char *code = req->puk ? "PUK" : "PIN";

  if (req->kind != OP_UNLOCK)
    return lock == MMD_MODEM_LOCK_NONE
               ? NULL
               : g_error_new(MMD_CORE_ERROR, MMD_CORE_ERROR_WRONG_STATE, "The SIM is locked (%s)",
                             mmd_modem_lock_to_string(lock));
  if (lock == MMD_MODEM_LOCK_NONE)
    return g_error_new(MMD_CORE_ERROR, MMD_CORE_ERROR_WRONG_STATE,
                       "Cannot send %s: the SIM is not locked", code);
  if (lock != needed)
    return g_error_new(MMD_CORE_ERROR, MMD_CORE_ERROR_WRONG_STATE,
                       "Cannot send %s: the SIM asks for %s", code, mmd_modem_lock_to_string(lock));
  return NULL;
}

static const MmdProvider *
find_provider(SimRoom *room, const PinRequest *req)
{
  if (req->kind == OP_ENABLE_PIN)
    return MMD_PROVIDER_FIND(room->providers, MmdSimOps, enable_pin);
  if (req->kind == OP_CHANGE_PIN)
    return MMD_PROVIDER_FIND(room->providers, MmdSimOps, change_pin);
  return req->puk ? MMD_PROVIDER_FIND(room->providers, MmdSimOps, send_puk)
                  : MMD_PROVIDER_FIND(room->providers, MmdSimOps, send_pin);
}

static void
start_pin_request(GTask *task)
{
  MmdModem *modem = g_task_get_source_object(task);
  PinRequest *req = g_task_get_task_data(task);
  GCancellable *cancellable = mmd_modem_get_cancellable(modem);
  SimRoom *room = room_of(modem);
  const MmdProvider *p = room ? find_provider(room, req) : NULL;
  GError *error = check_lock(modem, req);

  if (error) {
    g_task_return_error(task, error);
  } else if (!p) {
    g_task_return_new_error(task, MMD_CORE_ERROR, MMD_CORE_ERROR_UNSUPPORTED,
                            "This is not supported by this modem's SIM");
  } else if (req->kind == OP_ENABLE_PIN) {
    MMD_PROVIDER_OP(p, MmdSimOps, enable_pin)
    (p->backend, req->pin, req->enabled, cancellable, task_forward, g_object_ref(task));
  } else if (req->kind == OP_CHANGE_PIN) {
    MMD_PROVIDER_OP(p, MmdSimOps, change_pin)
    (p->backend, req->puk, req->pin, cancellable, task_forward, g_object_ref(task));
  } else if (req->puk) {
    MMD_PROVIDER_OP(p, MmdSimOps, send_puk)
    (p->backend, req->puk, req->pin, cancellable, unlock_done, g_object_ref(task));
  } else {
    MMD_PROVIDER_OP(p, MmdSimOps, send_pin)
    (p->backend, req->pin, cancellable, unlock_done, g_object_ref(task));
  }
}

static void
run_pin_request(MmdModem *modem, PinRequest *req, GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new(modem, mmd_modem_get_cancellable(modem), callback, user_data);

  g_task_set_task_data(task, req, (GDestroyNotify)pin_request_free);
  mmd_modem_run_exclusive(modem, task, start_pin_request);
}

void
mmd_sim_unlock_async(MmdModem *modem, const char *pin, const char *puk,
                     GAsyncReadyCallback callback, gpointer user_data)
{
  PinRequest *req = g_new0(PinRequest, 1);

  req->kind = OP_UNLOCK;
  req->pin = g_strdup(pin);
  req->puk = g_strdup(puk);
  run_pin_request(modem, req, callback, user_data);
}

/* D-Bus methods of the SIM object */

static MmdModem *
call_modem(MmdCall *call)
{
  MmdSim *sim = MMD_SIM(mmd_call_get_target(call));

  if (!sim->modem || mmd_modem_is_gone(sim->modem)) {
    mmd_call_return_new_error(call, MMD_CORE_ERROR, MMD_CORE_ERROR_ABORTED,
                              "The modem of this SIM is gone");
    return NULL;
  }
  return sim->modem;
}

static void
send_pin_run(MmdCall *call)
{
  MmdModem *modem = call_modem(call);
  GError *error = NULL;
  const char *pin;

  if (!modem)
    return;
  g_variant_get(mmd_call_get_parameters(call), "(&s)", &pin);
  if (!mmd_validate_pin(pin, "PIN", &error)) {
    mmd_call_return_error(call, error);
    return;
  }
  mmd_sim_unlock_async(modem, pin, NULL, mmd_call_complete_bool, call);
}

static void
send_puk_run(MmdCall *call)
{
  MmdModem *modem = call_modem(call);
  GError *error = NULL;
  const char *puk, *pin;

  if (!modem)
    return;
  g_variant_get(mmd_call_get_parameters(call), "(&s&s)", &puk, &pin);
  if (!mmd_validate_puk(puk, &error) || !mmd_validate_pin(pin, "new PIN", &error)) {
    mmd_call_return_error(call, error);
    return;
  }
  mmd_sim_unlock_async(modem, pin, puk, mmd_call_complete_bool, call);
}

static void
enable_pin_run(MmdCall *call)
{
  MmdModem *modem = call_modem(call);
  GError *error = NULL;
  PinRequest *req;
  const char *pin;
  gboolean enabled;

  if (!modem)
    return;
  g_variant_get(mmd_call_get_parameters(call), "(&sb)", &pin, &enabled);
  if (!mmd_validate_pin(pin, "PIN", &error)) {
    mmd_call_return_error(call, error);
    return;
  }
  req = g_new0(PinRequest, 1);
  req->kind = OP_ENABLE_PIN;
  req->pin = g_strdup(pin);
  req->enabled = enabled;
  run_pin_request(modem, req, mmd_call_complete_bool, call);
}

static void
change_pin_run(MmdCall *call)
{
  MmdModem *modem = call_modem(call);
  GError *error = NULL;
  PinRequest *req;
  const char *old_pin, *new_pin;

  if (!modem)
    return;
  g_variant_get(mmd_call_get_parameters(call), "(&s&s)", &old_pin, &new_pin);
  if (!mmd_validate_pin(old_pin, "old PIN", &error)
      || !mmd_validate_pin(new_pin, "new PIN", &error)) {
    mmd_call_return_error(call, error);
    return;
  }
  req = g_new0(PinRequest, 1);
  req->kind = OP_CHANGE_PIN;
  req->puk = g_strdup(old_pin); /* the code the card checks */
  req->pin = g_strdup(new_pin);
  run_pin_request(modem, req, mmd_call_complete_bool, call);
}

static const MmdMethod sim_methods[] = {
  { "SendPin", MMD_AUTH_DEVICE_CONTROL, send_pin_run },
  { "SendPuk", MMD_AUTH_DEVICE_CONTROL, send_puk_run },
  { "EnablePin", MMD_AUTH_DEVICE_CONTROL, enable_pin_run },
  { "ChangePin", MMD_AUTH_DEVICE_CONTROL, change_pin_run },
};

/* The SIM object */

static void
mmd_sim_dispose(GObject *object)
{
  MmdSim *self = MMD_SIM(object);

  g_clear_weak_pointer(&self->modem);
  g_clear_object(&self->iface);
  g_clear_object(&self->object);
  G_OBJECT_CLASS(mmd_sim_parent_class)->dispose(object);
}

static void
mmd_sim_finalize(GObject *object)
{
  g_free(MMD_SIM(object)->path);
  G_OBJECT_CLASS(mmd_sim_parent_class)->finalize(object);
}

static void
mmd_sim_class_init(MmdSimClass *klass)
{
  G_OBJECT_CLASS(klass)->dispose = mmd_sim_dispose;
  G_OBJECT_CLASS(klass)->finalize = mmd_sim_finalize;
}

static void
mmd_sim_init(MmdSim *self)
{
}

/* 3GPP TS 22.101 10.1.1: what a phone dials as an emergency call when the
 * card lists nothing. */
static const char *const default_emergency_numbers[] = { "112", "911", NULL };

static void
init_sim_interface(MdbusSim *iface)
{

  mdbus_sim_set_active(iface, TRUE);
  mdbus_sim_set_sim_identifier(iface, "");
  mdbus_sim_set_imsi(iface, "");
  mdbus_sim_set_eid(iface, "");
  mdbus_sim_set_operator_identifier(iface, "");
  mdbus_sim_set_operator_name(iface, "");
  mdbus_sim_set_emergency_numbers(iface, default_emergency_numbers);
  mdbus_sim_set_preferred_networks(iface, g_variant_new_array(G_VARIANT_TYPE("(su)"), NULL, 0));
  mdbus_sim_set_gid1(iface, g_variant_new_fixed_array(G_VARIANT_TYPE_BYTE, NULL, 0, 1));
  mdbus_sim_set_gid2(iface, g_variant_new_fixed_array(G_VARIANT_TYPE_BYTE, NULL, 0, 1));
  mdbus_sim_set_sim_type(iface, 1 /* physical */);
  mdbus_sim_set_removability(iface, 1 /* removable */);
}

static MmdSim *
sim_new(MmdModem *modem)
{
  MmdSim *self = g_object_new(MMD_TYPE_SIM, NULL);

  g_set_weak_pointer(&self->modem, modem);
  self->path = mmd_exporter_new_path(mmd_modem_get_exporter(modem), "SIM");
  self->object = mdbus_object_skeleton_new(self->path);
  self->iface = mdbus_sim_skeleton_new();
  init_sim_interface(self->iface);
  mdbus_object_skeleton_set_sim(self->object, self->iface);
  MMD_METHODS_BIND(self->iface, sim_methods, self, NULL);
  mmd_methods_bind_unsupported(self->iface, MMD_AUTH_DEVICE_CONTROL, G_OBJECT(self));
  return self;
}

static void
drop_sim(SimRoom *room)
{
  if (!room->sim)
    return;
  mmd_exporter_unexport(mmd_modem_get_exporter(room->modem), room->sim->path);
  g_clear_weak_pointer(&room->sim->modem);
  g_clear_object(&room->sim);
  mdbus_modem_set_sim(mmd_modem_get_iface(room->modem), "/");
}

/* The room */

static void
room_free(SimRoom *room)
{
  if (room->sim)
    g_clear_weak_pointer(&room->sim->modem);
  g_clear_object(&room->sim);
  mmd_providers_free(room->providers);
  g_strfreev(room->emergency_numbers);
  g_free(room);
}

static void
going_away(MmdModem *modem, SimRoom *room)
{
  drop_sim(room);
}

static SimRoom *
ensure_room(MmdModem *modem)
{
  SimRoom *room = room_of(modem);

  if (!room) {
    room = g_new0(SimRoom, 1);
    room->modem = modem;
    room->providers = mmd_providers_new();
    mmd_modem_set_room(modem, room_key, room, (GDestroyNotify)room_free);
    g_signal_connect(modem, "going-away", G_CALLBACK(going_away), room);
  }
  return room;
}

void
mmd_modem_provide_sim(MmdModem *modem, const MmdSimOps *ops, MmdBackend *backend)
{
  mmd_providers_add(ensure_room(modem)->providers, ops, backend);
}

/* Setters (ops-sim.h) */

static void
set_text(MdbusSim *iface, void (*set)(MdbusSim *, const char *), const char *value)
{
  g_autofree char *text = value ? g_utf8_make_valid(value, -1) : NULL;

  if (text)
    set(iface, text);
}

void
mmd_modem_set_sim(MmdModem *modem, const char *iccid, const char *imsi, const char *operator_id,
                  const char *operator_name)
{
  SimRoom *room = ensure_room(modem);

  if (!room->sim) {
    room->sim = sim_new(modem);
    if (room->emergency_numbers)
      mdbus_sim_set_emergency_numbers(room->sim->iface,
                                      (const char *const *)room->emergency_numbers);
    mmd_exporter_export_object(mmd_modem_get_exporter(modem),
                               G_DBUS_OBJECT_SKELETON(room->sim->object));
    mdbus_modem_set_sim(mmd_modem_get_iface(modem), room->sim->path);
  }
  set_text(room->sim->iface, mdbus_sim_set_sim_identifier, iccid);
  set_text(room->sim->iface, mdbus_sim_set_imsi, imsi);
  set_text(room->sim->iface, mdbus_sim_set_operator_identifier, operator_id);
  set_text(room->sim->iface, mdbus_sim_set_operator_name, operator_name);
  if (mmd_log_debug_enabled()) {
    g_autofree char *masked_iccid = mmd_log_mask_identifier(iccid);
    g_autofree char *masked_imsi = mmd_log_mask_identifier(imsi);
    g_debug("%s: SIM iccid %s imsi %s", mmd_modem_get_path(modem), masked_iccid, masked_imsi);
  }
}

void
mmd_modem_set_sim_missing(MmdModem *modem)
{
  drop_sim(ensure_room(modem));
}

void
mmd_modem_set_unlock_retries(MmdModem *modem, MmdModemLock lock, guint retries)
{
  MdbusModem *iface = mmd_modem_get_iface(modem);
  GVariant *current = mdbus_modem_get_unlock_retries(iface);
  GVariantBuilder builder;
  GVariantIter iter;
  guint32 key, value;

  g_variant_builder_init(&builder, G_VARIANT_TYPE("a{uu}"));
  if (current) {
    g_variant_iter_init(&iter, current);
    while (g_variant_iter_next(&iter, "{uu}", &key, &value))
      if (key != (guint32)lock)
        g_variant_builder_add(&builder, "{uu}", key, value);
  }
  g_variant_builder_add(&builder, "{uu}", (guint32)lock, (guint32)retries);
  mdbus_modem_set_unlock_retries(iface, g_variant_builder_end(&builder));
}

/* What may be dialled: digits, '+', '*' and '#', at most a short number's
 * worth (EF_ECC holds 6 digits; longer ones come from modem lists). */
static gboolean
is_emergency_number(const char *number)
{
  gsize len = strlen(number);

  if (len == 0 || len > 16)
    return FALSE;
  for (const char *c = number; *c; c++)
    if (!g_ascii_isdigit(*c) && *c != '+' && *c != '*' && *c != '#')
      return FALSE;
  return TRUE;
}

void
mmd_modem_set_emergency_numbers(MmdModem *modem, const char *const *numbers)
{
  SimRoom *room = ensure_room(modem);
  g_autoptr(GPtrArray) valid = g_ptr_array_new_with_free_func(g_free);

  for (const char *const *n = numbers; n && *n; n++) {
    if (!is_emergency_number(*n)) {
      g_debug("%s: emergency number of %zu characters ignored: not a dial string",
              mmd_modem_get_path(modem), strlen(*n));
      continue;
    }
    if (!g_ptr_array_find_with_equal_func(valid, *n, g_str_equal, NULL))
      g_ptr_array_add(valid, g_strdup(*n));
  }
  g_strfreev(room->emergency_numbers);
  room->emergency_numbers = NULL;
  if (valid->len) {
    g_ptr_array_add(valid, NULL);
    room->emergency_numbers = (char **)g_ptr_array_free(g_steal_pointer(&valid), FALSE);
  }
  if (room->sim)
    mdbus_sim_set_emergency_numbers(
        room->sim->iface, room->emergency_numbers ? (const char *const *)room->emergency_numbers
                                                  : default_emergency_numbers);
}
