/* The card's emergency numbers (EF_ECC) over +CRSM. A USIM keeps them as
 * records (31.102 4.2.21: READ RECORD, 178), a 2G SIM as 3-byte codes in a
 * transparent file (51.011 10.3.27: READ BINARY, 176); the records are tried
 * first. Best effort: without them the SIM shows the defaults. */
#include "at-modem.h"

/* More records than any card has: a bound on what a modem can make us read. */
#define MAX_RECORDS 16

/* The codes read so far, on the backend until the last step reports them:
 * the steps run in the initialization's sequence, whose data is its own. */
typedef struct {
  GPtrArray *numbers;
  guint records;
} EccRead;

static void
ecc_read_free(EccRead *read)
{
  g_ptr_array_unref(read->numbers);
  g_free(read);
}

static EccRead *
ecc_read_of(MmdAtModem *self)
{
  EccRead *read = g_object_get_data(G_OBJECT(self), "at-ecc");

  if (!read) {
    read = g_new0(EccRead, 1);
    read->numbers = g_ptr_array_new_with_free_func(g_free);
    g_object_set_data_full(G_OBJECT(self), "at-ecc", read, (GDestroyNotify)ecc_read_free);
  }
  return read;
}

static gboolean h_record(MmdAtModem *self, Seq *seq, const char *response, const GError *cmd_error,
                         GError **error);

static char *
read_record_command(guint record)
{
  /* P2 4: absolute record number; P3 0: the whole record */
  return g_strdup_printf("AT+CRSM=178,%u,%u,4,0", MMD_SIM_EF_ECC, record);
}

static void
add_code(MmdAtModem *self, const guint8 *data, gsize len)
{
  char *code = mmd_sim_decode_ecc_code(data, len);

  if (code)
    g_ptr_array_add(ecc_read_of(self)->numbers, code);
}

static gboolean
h_transparent(MmdAtModem *self, Seq *seq, const char *response, const GError *cmd_error,
              GError **error)
{
  g_autoptr(GBytes) file = cmd_error ? NULL : mmd_at_parse_crsm(response, NULL);
  gsize len = 0;
  const guint8 *data = file ? g_bytes_get_data(file, &len) : NULL;

  for (gsize i = 0; i + MMD_SIM_ECC_CODE_LEN <= len; i += MMD_SIM_ECC_CODE_LEN)
    add_code(self, data + i, MMD_SIM_ECC_CODE_LEN);
  return TRUE;
}

static gboolean
h_record(MmdAtModem *self, Seq *seq, const char *response, const GError *cmd_error, GError **error)
{
  EccRead *read = ecc_read_of(self);
  g_autoptr(GBytes) record = cmd_error ? NULL : mmd_at_parse_crsm(response, NULL);
  g_autofree char *next = NULL;
  gsize len;
  const guint8 *data;

  read->records++;
  if (!record) {
    /* not a record file (a 2G SIM), or past the last record */
    if (read->records == 1) {
      g_autofree char *cmd = g_strdup_printf("AT+CRSM=176,%u,0,0,0", MMD_SIM_EF_ECC);

      at_seq_add_next(seq, cmd, 0, 0, TRUE, h_transparent);
    }
    return TRUE;
  }
  data = g_bytes_get_data(record, &len);
  add_code(self, data, len);
  if (read->records < MAX_RECORDS) {
    next = read_record_command(read->records + 1);
    at_seq_add_next(seq, next, 0, 0, TRUE, h_record);
  }
  return TRUE;
}

static gboolean
h_report(MmdAtModem *self, Seq *seq, const char *response, const GError *cmd_error, GError **error)
{
  EccRead *read = ecc_read_of(self);

  g_ptr_array_add(read->numbers, NULL);
  mmd_modem_set_emergency_numbers(modem_of(self), (const char *const *)read->numbers->pdata);
  g_object_set_data(G_OBJECT(self), "at-ecc", NULL);
  return TRUE;
}

void
at_add_ecc_steps(Seq *seq)
{
  g_autofree char *first = read_record_command(1);

  at_seq_add(seq, first, 0, 0, TRUE, h_record);
  at_seq_add_call(seq, h_report);
}
