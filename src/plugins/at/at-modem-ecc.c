/* The card's emergency numbers (EF_ECC) over +CRSM. A USIM keeps them as
 * records (31.102 4.2.21: READ RECORD, 178), a 2G SIM as 3-byte codes in a
 * transparent file (51.011 10.3.27: READ BINARY, 176); the records are tried
 * first. Best effort: without them the SIM shows the defaults. */
#include "at-modem.h"

/* More records than any card has: a bound on what a modem can make us read. */
#define MAX_RECORDS 16

static gboolean h_record(MmdAtModem *self, Seq *seq, const char *response, const GError *cmd_error,
                         GError **error);

static char *
read_record_command(guint record)
{
  /* P2 4: absolute record number; P3 0: the whole record */
  return g_strdup_printf("AT+CRSM=178,%u,%u,4,0", MMD_SIM_EF_ECC, record);
}

static void
add_code(Seq *seq, const guint8 *data, gsize len)
{
  char *code = mmd_sim_decode_ecc_code(data, len);

  if (code)
    g_ptr_array_add(seq->data, code);
}

static gboolean
h_transparent(MmdAtModem *self, Seq *seq, const char *response, const GError *cmd_error,
              GError **error)
{
  g_autoptr(GBytes) file = cmd_error ? NULL : mmd_at_parse_crsm(response, NULL);
  gsize len = 0;
  const guint8 *data = file ? g_bytes_get_data(file, &len) : NULL;

  for (gsize i = 0; i + MMD_SIM_ECC_CODE_LEN <= len; i += MMD_SIM_ECC_CODE_LEN)
    add_code(seq, data + i, MMD_SIM_ECC_CODE_LEN);
  return TRUE;
}

static gboolean
h_record(MmdAtModem *self, Seq *seq, const char *response, const GError *cmd_error, GError **error)
{
  g_autoptr(GBytes) record = cmd_error ? NULL : mmd_at_parse_crsm(response, NULL);
  g_autofree char *next = NULL;
  gsize len;
  const guint8 *data;

  seq->counter++;
  if (!record) {
    /* not a record file (a 2G SIM), or past the last record */
    if (seq->counter == 1) {
      g_autofree char *cmd = g_strdup_printf("AT+CRSM=176,%u,0,0,0", MMD_SIM_EF_ECC);

      at_seq_add_next(seq, cmd, 0, 0, TRUE, h_transparent);
    }
    return TRUE;
  }
  data = g_bytes_get_data(record, &len);
  add_code(seq, data, len);
  if (seq->counter < MAX_RECORDS) {
    next = read_record_command(seq->counter + 1);
    at_seq_add_next(seq, next, 0, 0, TRUE, h_record);
  }
  return TRUE;
}

static void
ecc_read(MmdAtModem *self, Seq *seq)
{
  GPtrArray *numbers = seq->data;

  g_ptr_array_add(numbers, NULL);
  mmd_modem_set_emergency_numbers(modem_of(self), (const char *const *)numbers->pdata);
  g_task_return_boolean(seq->task, TRUE);
}

static void
ecc_done(GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean(G_TASK(result), &error))
    g_debug("Emergency numbers: %s", error->message);
}

void
at_ecc_load(MmdAtModem *self)
{
  Seq *seq = at_seq_new(self, NULL, ecc_done, NULL);
  g_autofree char *first = read_record_command(1);

  seq->data = g_ptr_array_new_with_free_func(g_free);
  seq->data_free = (GDestroyNotify)g_ptr_array_unref;
  seq->done = ecc_read;
  at_seq_add(seq, first, 0, 0, TRUE, h_record);
  at_seq_next(seq);
}
