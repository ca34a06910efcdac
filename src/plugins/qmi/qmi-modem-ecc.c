/* The card's emergency numbers (EF_ECC) over QMI UIM. A USIM keeps them as
 * records (31.102 4.2.21), a 2G SIM as 3-byte codes in a transparent file
 * (51.011 10.3.27); the records are tried first. Reading is always allowed,
 * locked card or not. Best effort: without them the SIM shows the defaults. */

#include "qmi-modem-voice.h"

enum { SESSION_PRIMARY_GW = 0 };
/* More records than any card has: a bound on what a modem can make us read. */
#define MAX_RECORDS 16

static const guint8 adf_path[] = { 0x00, 0x3F, 0xFF, 0x7F }; /* MF, ADF, little endian */

typedef struct {
  MmdQmiBackend *self; /* a reference */
  GPtrArray *numbers;  /* char*, NULL-terminated when reported */
  guint16 record;
} EccRead;

static void
ecc_read_free(EccRead *read)
{
  qmi_voice_setup_done(read->self);
  g_object_unref(read->self);
  g_ptr_array_unref(read->numbers);
  g_free(read);
}

static void
add_code(EccRead *read, const guint8 *data, gsize len)
{
  char *code = mmd_sim_decode_ecc_code(data, len);

  if (code)
    g_ptr_array_add(read->numbers, code);
}

static void
report(EccRead *read)
{
  MmdModem *modem = qmi_backend_modem(read->self);

  g_ptr_array_add(read->numbers, NULL);
  if (modem && !g_cancellable_is_cancelled(read->self->cancellable))
    mmd_modem_set_emergency_numbers(modem, (const char *const *)read->numbers->pdata);
  ecc_read_free(read);
}

static void
transparent_ready(GObject *source, GAsyncResult *res, gpointer user_data)
{
  EccRead *read = user_data;
  QmiUimReadTransparentOutput out;

  if (qmi_client_uim_read_transparent_finish((QmiClient *)source, res, &out, NULL)
      && out.has_read_result)
    for (guint i = 0; i + MMD_SIM_ECC_CODE_LEN <= out.n_read_result; i += MMD_SIM_ECC_CODE_LEN)
      add_code(read, out.read_result + i, MMD_SIM_ECC_CODE_LEN);
  qmi_output_base_clear(&out.base);
  report(read);
}

static void
read_transparent(EccRead *read)
{
  QmiUimReadTransparentInput in = {
    .has_session = TRUE,
    .session = { .session_type = SESSION_PRIMARY_GW },
    .has_file = TRUE,
    .file = { .file_id = MMD_SIM_EF_ECC, .n_file_path = sizeof(adf_path), .file_path = adf_path },
    .has_read_information = TRUE,
  };

  qmi_client_uim_read_transparent(read->self->uim, &in, QMI_TIMEOUT, read->self->cancellable,
                                  transparent_ready, read);
}

static void read_next_record(EccRead *read);

/* The port went away meanwhile: no more reads. */
static gboolean
gone(EccRead *read)
{
  if (read->self->uim && !g_cancellable_is_cancelled(read->self->cancellable))
    return FALSE;
  ecc_read_free(read);
  return TRUE;
}

static void
record_ready(GObject *source, GAsyncResult *res, gpointer user_data)
{
  EccRead *read = user_data;
  g_autoptr(GError) error = NULL;
  QmiUimReadRecordOutput out;
  gboolean ok = qmi_client_uim_read_record_finish((QmiClient *)source, res, &out, &error)
                && out.has_read_result;

  if (ok)
    add_code(read, out.read_result, out.n_read_result);
  qmi_output_base_clear(&out.base);
  if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
    ecc_read_free(read);
  } else if (gone(read)) {
    return;
  } else if (ok && read->record < MAX_RECORDS) {
    read_next_record(read);
  } else if (read->record == 1) {
    /* not a record file: a 2G SIM's (or a modem without Read Record) */
    read_transparent(read);
  } else {
    report(read); /* past the last record */
  }
}

static void
read_next_record(EccRead *read)
{
  QmiUimReadRecordInput in = {
    .has_session = TRUE,
    .session = { .session_type = SESSION_PRIMARY_GW },
    .has_file = TRUE,
    .file = { .file_id = MMD_SIM_EF_ECC, .n_file_path = sizeof(adf_path), .file_path = adf_path },
    .has_record = TRUE,
    .record = { .number = ++read->record, .length = 0 /* the whole record */ },
  };

  qmi_client_uim_read_record(read->self->uim, &in, QMI_TIMEOUT, read->self->cancellable,
                             record_ready, read);
}

void
qmi_ecc_load(MmdQmiBackend *self)
{
  EccRead *read;

  if (!self->uim) {
    qmi_voice_setup_done(self);
    return;
  }
  read = g_new0(EccRead, 1);
  read->self = g_object_ref(self);
  read->numbers = g_ptr_array_new_with_free_func(g_free);
  read_next_record(read);
}
