/* The QMI plugin: SIM card state, identity and PIN operations (UIM service). */
#include "qmi-modem.h"

#include <string.h>

#include "mmd-errors.h"
#include "sim-files.h"

/* UIM values */
enum { CARD_STATE_ABSENT = 0, CARD_STATE_PRESENT = 1, CARD_STATE_ERROR = 2 };
enum { APP_TYPE_SIM = 1, APP_TYPE_USIM = 2 };
enum {
  APP_STATE_UNKNOWN = 0,
  APP_STATE_DETECTED = 1,
  APP_STATE_PIN_REQUIRED = 2,
  APP_STATE_PUK_REQUIRED = 3,
  APP_STATE_PERSONALIZATION = 4,
  APP_STATE_PIN1_BLOCKED = 5,
  APP_STATE_ILLEGAL = 6,
  APP_STATE_READY = 7
};
enum {
  PIN_STATE_NOT_INITIALIZED = 0,
  PIN_STATE_ENABLED_NOT_VERIFIED = 1,
  PIN_STATE_ENABLED_VERIFIED = 2,
  PIN_STATE_DISABLED = 3,
  PIN_STATE_BLOCKED = 4,
  PIN_STATE_PERMANENTLY_BLOCKED = 5
};
enum { SESSION_PRIMARY_GW = 0, SESSION_CARD_SLOT_1 = 6 };
enum { PIN_ID_PIN1 = 1 };

#define CARD_STATUS_ATTEMPTS 10

typedef struct {
  guint attempts;
  gboolean want_imsi;
  guint mnc_length;
  char *spn;
} IdentityContext;

static void
identity_context_free(IdentityContext *ctx)
{
  g_free(ctx->spn);
  g_free(ctx);
}

static void read_imsi(GTask *task);

static void
identity_report(GTask *task)
{
  MmdQmiBackend *self = g_task_get_source_object(task);
  IdentityContext *ctx = g_task_get_task_data(task);
  MmdModem *modem = g_cancellable_is_cancelled(self->cancellable) ? NULL : qmi_backend_modem(self);
  g_autofree char *operator_id = NULL;
  if (self->imsi && strlen(self->imsi) >= 6)
    operator_id = g_strndup(self->imsi, 3 + (ctx->mnc_length ? ctx->mnc_length : 2));
  if (modem)
    mmd_modem_set_sim(modem, self->iccid, self->imsi, operator_id, ctx->spn);
  mmd_task_succeed(task);
}

/* Reads a file of the USIM/SIM application (under MF/ADF). */
static void
read_app_file(MmdQmiBackend *self, guint16 file_id, GTask *task, GAsyncReadyCallback callback)
{
  static const guint8 path[] = { 0x00, 0x3F, 0xFF, 0x7F };
  QmiUimReadTransparentInput in = {
    .has_session = TRUE,
    .session = { .session_type = SESSION_PRIMARY_GW },
    .has_file = TRUE,
    .file = { .file_id = file_id, .n_file_path = sizeof(path), .file_path = path },
    .has_read_information = TRUE,
  };
  qmi_client_uim_read_transparent(self->uim, &in, QMI_TIMEOUT, g_task_get_cancellable(task),
                                  callback, task);
}

static void
spn_ready(GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  MmdQmiBackend *self = g_task_get_source_object(task);
  IdentityContext *ctx = g_task_get_task_data(task);
  QmiUimReadTransparentOutput out;
  if (qmi_client_uim_read_transparent_finish(self->uim, res, &out, NULL) && out.has_read_result)
    ctx->spn = mmd_sim_decode_spn(out.read_result, out.n_read_result);
  qmi_output_base_clear(&out.base);
  identity_report(task);
}

static void
ad_ready(GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  MmdQmiBackend *self = g_task_get_source_object(task);
  IdentityContext *ctx = g_task_get_task_data(task);
  QmiUimReadTransparentOutput out;
  if (qmi_client_uim_read_transparent_finish(self->uim, res, &out, NULL) && out.has_read_result)
    ctx->mnc_length = mmd_sim_decode_mnc_length(out.read_result, out.n_read_result);
  qmi_output_base_clear(&out.base);
  if (!self->uim || !qmi_device_is_open(self->device)) {
    identity_report(task);
    return;
  }
  read_app_file(self, 0x6F46 /* EF_SPN */, task, spn_ready);
}

static gboolean
retry_imsi(gpointer user_data)
{
  read_imsi(user_data);
  return G_SOURCE_REMOVE;
}

static void
imsi_ready(GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  MmdQmiBackend *self = g_task_get_source_object(task);
  IdentityContext *ctx = g_task_get_task_data(task);
  g_autoptr(GError) error = NULL;
  QmiUimReadTransparentOutput out;

  if (qmi_client_uim_read_transparent_finish(self->uim, res, &out, &error) && out.has_read_result) {
    g_free(self->imsi);
    self->imsi = mmd_sim_decode_imsi(out.read_result, out.n_read_result);
  }
  qmi_output_base_clear(&out.base);
  if (!self->imsi && ctx->attempts > 1 && self->uim
      && !g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
    ctx->attempts--;
    g_timeout_add_seconds(1, retry_imsi, task);
    return;
  }
  if (error)
    g_debug("Reading the IMSI: %s", error->message);
  if (!self->imsi || !self->uim || !qmi_device_is_open(self->device)) {
    identity_report(task);
    return;
  }
  read_app_file(self, 0x6FAD /* EF_AD */, task, ad_ready);
}

static void
read_imsi(GTask *task)
{
  MmdQmiBackend *self = g_task_get_source_object(task);
  if (!self->uim || !qmi_device_is_open(self->device)) {
    identity_report(task);
    return;
  }
  read_app_file(self, 0x6F07 /* EF_IMSI */, task, imsi_ready);
}

static void
iccid_ready(GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  MmdQmiBackend *self = g_task_get_source_object(task);
  IdentityContext *ctx = g_task_get_task_data(task);
  g_autoptr(GError) error = NULL;
  QmiUimReadTransparentOutput out;

  if (qmi_client_uim_read_transparent_finish(self->uim, res, &out, &error) && out.has_read_result) {
    g_free(self->iccid);
    self->iccid = mmd_sim_decode_iccid(out.read_result, out.n_read_result);
  } else if (error) {
    g_debug("Reading the ICCID: %s", error->message);
  }
  qmi_output_base_clear(&out.base);
  if (ctx->want_imsi)
    read_imsi(task);
  else
    identity_report(task);
}

/* Reads ICCID and (when unlocked) IMSI, reports them with mmd_modem_set_sim(). */
static void
read_identity(MmdQmiBackend *self, gboolean want_imsi, guint attempts, GTask *task)
{
  IdentityContext *ctx = g_new0(IdentityContext, 1);
  ctx->attempts = MAX(attempts, 1);
  ctx->want_imsi = want_imsi;
  g_task_set_task_data(task, ctx, (GDestroyNotify)identity_context_free);
  if (!self->uim || !qmi_device_is_open(self->device)) {
    identity_report(task);
    return;
  }
  static const guint8 path[] = { 0x00, 0x3F }; /* MF */
  QmiUimReadTransparentInput in = {
    .has_session = TRUE,
    .session = { .session_type = SESSION_CARD_SLOT_1 },
    .has_file = TRUE,
    .file = { .file_id = 0x2FE2, .n_file_path = sizeof(path), .file_path = path },
    .has_read_information = TRUE,
  };
  qmi_client_uim_read_transparent(self->uim, &in, QMI_TIMEOUT, g_task_get_cancellable(task),
                                  iccid_ready, task);
}

void
qmi_sim_read_identity(MmdQmiBackend *self, guint attempts)
{
  read_identity(self, TRUE, attempts, g_task_new(self, self->cancellable, NULL, NULL));
}

/* ---- card status ------------------------------------------------------- */

typedef struct {
  guint attempts;
} CardContext;

static void request_card_status(GTask *task);

static gboolean
retry_card_status(gpointer user_data)
{
  request_card_status(user_data);
  return G_SOURCE_REMOVE;
}

static void
identity_done(GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  mmd_task_succeed(task);
}

/* The provisioning application the modem uses, or NULL. */
static const QmiUimCardApplication *
find_application(const QmiUimGetCardStatusOutput *out, const QmiUimCard **out_card)
{
  guint16 index = out->card_status.index_gw_primary;
  guint card_i = index >> 8, app_i = index & 0xFF;
  if (index != 0xFFFF && card_i < out->card_status.n_cards
      && app_i < out->card_status.cards[card_i].n_applications) {
    *out_card = &out->card_status.cards[card_i];
    return &(*out_card)->applications[app_i];
  }
  for (guint c = 0; c < out->card_status.n_cards; c++) {
    const QmiUimCard *card = &out->card_status.cards[c];
    for (guint a = 0; a < card->n_applications; a++) {
      if (card->applications[a].type == APP_TYPE_USIM
          || card->applications[a].type == APP_TYPE_SIM) {
        *out_card = card;
        return &card->applications[a];
      }
    }
  }
  return NULL;
}

static void
card_status_ready(GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  MmdQmiBackend *self = g_task_get_source_object(task);
  CardContext *ctx = g_task_get_task_data(task);
  MmdModem *modem = qmi_backend_modem(self);
  GError *error = NULL;
  QmiUimGetCardStatusOutput out;

  if (!qmi_client_uim_get_card_status_finish(self->uim, res, &out, &error)) {
    qmi_output_base_clear(&out.base);
    if (ctx->attempts > 1 && !g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
        && !g_error_matches(error, MMD_SERIAL_ERROR, MMD_SERIAL_ERROR_NOT_OPEN)) {
      g_debug("Card status: %s; retrying", error->message);
      g_clear_error(&error);
      ctx->attempts--;
      g_timeout_add_seconds(1, retry_card_status, task);
      return;
    }
    mmd_task_fail(task, error);
    return;
  }

  const QmiUimCard *card = NULL;
  const QmiUimCardApplication *app = out.has_card_status ? find_application(&out, &card) : NULL;
  if (!card || card->card_state == CARD_STATE_ABSENT) {
    qmi_output_base_clear(&out.base);
    mmd_modem_set_sim_missing(modem);
    mmd_modem_set_unlock_required(modem, MMD_MODEM_LOCK_NONE);
    mmd_modem_report_failed(modem, MMD_MODEM_STATE_FAILED_REASON_SIM_MISSING);
    mmd_task_succeed(task);
    return;
  }
  if (card->card_state == CARD_STATE_ERROR || !app) {
    qmi_output_base_clear(&out.base);
    mmd_modem_report_failed(modem, MMD_MODEM_STATE_FAILED_REASON_SIM_ERROR);
    mmd_task_succeed(task);
    return;
  }
  /* still initializing: ask again in a moment */
  if ((app->state == APP_STATE_UNKNOWN || app->state == APP_STATE_DETECTED) && ctx->attempts > 1) {
    qmi_output_base_clear(&out.base);
    ctx->attempts--;
    g_timeout_add_seconds(1, retry_card_status, task);
    return;
  }

  gboolean upin = app->upin_replaces_pin1;
  guint8 pin_state = upin ? card->upin_state : app->pin1_state;
  guint8 pin_retries = upin ? card->upin_retries : app->pin1_retries;
  guint8 puk_retries = upin ? card->upuk_retries : app->puk1_retries;
  MmdModemLock lock = MMD_MODEM_LOCK_NONE;
  gboolean failed = FALSE;

  if (app->state == APP_STATE_PIN_REQUIRED || pin_state == PIN_STATE_ENABLED_NOT_VERIFIED)
    lock = MMD_MODEM_LOCK_SIM_PIN;
  if (app->state == APP_STATE_PUK_REQUIRED || pin_state == PIN_STATE_BLOCKED)
    lock = MMD_MODEM_LOCK_SIM_PUK;
  if (app->state == APP_STATE_PIN1_BLOCKED || pin_state == PIN_STATE_PERMANENTLY_BLOCKED
      || app->state == APP_STATE_ILLEGAL)
    failed = TRUE;

  mmd_modem_set_unlock_retries(modem, MMD_MODEM_LOCK_SIM_PIN, pin_retries);
  mmd_modem_set_unlock_retries(modem, MMD_MODEM_LOCK_SIM_PUK, puk_retries);
  mmd_modem_set_unlock_retries(modem, MMD_MODEM_LOCK_SIM_PIN2, app->pin2_retries);
  mmd_modem_set_unlock_retries(modem, MMD_MODEM_LOCK_SIM_PUK2, app->puk2_retries);
  mmd_modem_set_facility_locks(modem, pin_state == PIN_STATE_ENABLED_NOT_VERIFIED
                                              || pin_state == PIN_STATE_ENABLED_VERIFIED
                                              || pin_state == PIN_STATE_BLOCKED
                                          ? MMD_MODEM_3GPP_FACILITY_SIM
                                          : MMD_MODEM_3GPP_FACILITY_NONE);
  mmd_modem_set_unlock_required(modem, lock);
  qmi_output_base_clear(&out.base);
  if (failed) {
    mmd_modem_report_failed(modem, MMD_MODEM_STATE_FAILED_REASON_SIM_ERROR);
    mmd_task_succeed(task);
    return;
  }
  read_identity(self, lock == MMD_MODEM_LOCK_NONE, 3,
                g_task_new(self, g_task_get_cancellable(task), identity_done, task));
}

static void
request_card_status(GTask *task)
{
  MmdQmiBackend *self = g_task_get_source_object(task);
  if (!self->uim) {
    g_task_return_new_error(task, MMD_SERIAL_ERROR, MMD_SERIAL_ERROR_NOT_OPEN, "No UIM client");
    g_object_unref(task);
    return;
  }
  qmi_client_uim_get_card_status(self->uim, QMI_TIMEOUT, g_task_get_cancellable(task),
                                 card_status_ready, task);
}

void
qmi_sim_load(MmdQmiBackend *self, GTask *task)
{
  if (!self->uim) {
    /* no UIM service: assume an unlocked SIM we know nothing about */
    mmd_modem_set_unlock_required(qmi_backend_modem(self), MMD_MODEM_LOCK_NONE);
    mmd_task_succeed(task);
    return;
  }
  CardContext *ctx = g_new0(CardContext, 1);
  ctx->attempts = CARD_STATUS_ATTEMPTS;
  g_task_set_task_data(task, ctx, g_free);
  request_card_status(task);
}

/* ---- PIN operations ---------------------------------------------------- */

typedef enum { PIN_OP_VERIFY, PIN_OP_UNBLOCK, PIN_OP_PROTECT, PIN_OP_CHANGE } PinOp;

typedef struct {
  PinOp op;
  gboolean enable;
} PinContext;

/* Reports the retries a PIN operation's answer carries. */
static void
update_retries(MmdQmiBackend *self, gboolean has, guint8 verify_left, guint8 unblock_left,
               gboolean failed)
{
  MmdModem *modem = qmi_backend_modem(self);
  if (!has || !modem)
    return;
  mmd_modem_set_unlock_retries(modem, MMD_MODEM_LOCK_SIM_PIN, verify_left);
  mmd_modem_set_unlock_retries(modem, MMD_MODEM_LOCK_SIM_PUK, unblock_left);
  if (failed && verify_left == 0 && unblock_left > 0)
    mmd_modem_set_unlock_required(modem, MMD_MODEM_LOCK_SIM_PUK);
}

/* Finishes a PIN request of one of the four generated output types into ok
 * and error, reporting the retries its answer carries (and, when
 * check_blocked, a PUK lock once a failure used the last PIN try). */
#define PIN_OP_FINISH(Output, finish, check_blocked)                                               \
  do {                                                                                             \
    Output out;                                                                                    \
    ok = finish(self->uim, res, &out, &error);                                                     \
    update_retries(self, out.has_retries_remaining, out.retries_remaining.verify_retries_left,     \
                   out.retries_remaining.unblock_retries_left, (check_blocked) && !ok);            \
    qmi_output_base_clear(&out.base);                                                              \
  } while (0)

static void
pin_op_ready(GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  MmdQmiBackend *self = g_task_get_source_object(task);
  PinContext *ctx = g_task_get_task_data(task);
  GError *error = NULL;
  gboolean ok = FALSE;

  /* the four outputs share the layout of their retries TLV */
  switch (ctx->op) {
    case PIN_OP_VERIFY:
      PIN_OP_FINISH(QmiUimVerifyPinOutput, qmi_client_uim_verify_pin_finish, TRUE);
      break;
    case PIN_OP_UNBLOCK:
      PIN_OP_FINISH(QmiUimUnblockPinOutput, qmi_client_uim_unblock_pin_finish, FALSE);
      break;
    case PIN_OP_PROTECT:
      PIN_OP_FINISH(QmiUimSetPinProtectionOutput, qmi_client_uim_set_pin_protection_finish, TRUE);
      break;
    case PIN_OP_CHANGE:
      PIN_OP_FINISH(QmiUimChangePinOutput, qmi_client_uim_change_pin_finish, TRUE);
      break;
  }
#undef PIN_OP_FINISH
  if (!ok) {
    mmd_task_fail(task, error);
    return;
  }
  MmdModem *modem = qmi_backend_modem(self);
  if (ctx->op == PIN_OP_PROTECT && modem)
    mmd_modem_set_facility_locks(modem, ctx->enable ? MMD_MODEM_3GPP_FACILITY_SIM
                                                    : MMD_MODEM_3GPP_FACILITY_NONE);
  if (ctx->op == PIN_OP_VERIFY || ctx->op == PIN_OP_UNBLOCK)
    qmi_sim_read_identity(self, 5); /* the IMSI is readable now */
  mmd_task_succeed(task);
}

static GTask *
pin_task(MmdBackend *backend, PinOp op, gboolean enable, GCancellable *cancellable,
         GAsyncReadyCallback callback, gpointer user_data)
{
  MmdQmiBackend *self = MMD_QMI_BACKEND(backend);
  GTask *task
      = qmi_backend_task(self, self->uim, "PIN operation", cancellable, callback, user_data);
  if (task) {
    PinContext *ctx = g_new0(PinContext, 1);
    ctx->op = op;
    ctx->enable = enable;
    g_task_set_task_data(task, ctx, g_free);
  }
  return task;
}

void
qmi_backend_send_pin(MmdBackend *backend, const char *pin, GCancellable *cancellable,
                     GAsyncReadyCallback callback, gpointer user_data)
{
  MmdQmiBackend *self = MMD_QMI_BACKEND(backend);
  GTask *task = pin_task(backend, PIN_OP_VERIFY, FALSE, cancellable, callback, user_data);
  if (!task)
    return;
  QmiUimVerifyPinInput in = {
    .has_session = TRUE,
    .session = { .session_type = SESSION_PRIMARY_GW },
    .has_info = TRUE,
    .info = { .pin_id = PIN_ID_PIN1, .pin_value = pin },
  };
  qmi_client_uim_verify_pin(self->uim, &in, QMI_TIMEOUT, cancellable, pin_op_ready, task);
}

void
qmi_backend_send_puk(MmdBackend *backend, const char *puk, const char *new_pin,
                     GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  MmdQmiBackend *self = MMD_QMI_BACKEND(backend);
  GTask *task = pin_task(backend, PIN_OP_UNBLOCK, FALSE, cancellable, callback, user_data);
  if (!task)
    return;
  QmiUimUnblockPinInput in = {
    .has_session = TRUE,
    .session = { .session_type = SESSION_PRIMARY_GW },
    .has_info = TRUE,
    .info = { .pin_id = PIN_ID_PIN1, .puk = puk, .new_pin = new_pin },
  };
  qmi_client_uim_unblock_pin(self->uim, &in, QMI_TIMEOUT, cancellable, pin_op_ready, task);
}

void
qmi_backend_enable_pin(MmdBackend *backend, const char *pin, gboolean enabled,
                       GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  MmdQmiBackend *self = MMD_QMI_BACKEND(backend);
  GTask *task = pin_task(backend, PIN_OP_PROTECT, enabled, cancellable, callback, user_data);
  if (!task)
    return;
  QmiUimSetPinProtectionInput in = {
    .has_session = TRUE,
    .session = { .session_type = SESSION_PRIMARY_GW },
    .has_info = TRUE,
    .info = { .pin_id = PIN_ID_PIN1, .pin_enabled = enabled ? 1 : 0, .pin_value = pin },
  };
  qmi_client_uim_set_pin_protection(self->uim, &in, QMI_TIMEOUT, cancellable, pin_op_ready, task);
}

void
qmi_backend_change_pin(MmdBackend *backend, const char *old_pin, const char *new_pin,
                       GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  MmdQmiBackend *self = MMD_QMI_BACKEND(backend);
  GTask *task = pin_task(backend, PIN_OP_CHANGE, FALSE, cancellable, callback, user_data);
  if (!task)
    return;
  QmiUimChangePinInput in = {
    .has_session = TRUE,
    .session = { .session_type = SESSION_PRIMARY_GW },
    .has_info = TRUE,
    .info = { .pin_id = PIN_ID_PIN1, .old_pin = old_pin, .new_pin = new_pin },
  };
  qmi_client_uim_change_pin(self->uim, &in, QMI_TIMEOUT, cancellable, pin_op_ready, task);
}
