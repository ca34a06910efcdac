/* The QMI plugin: the serving and neighbouring cells (Modem.GetCellInfo)
 * from NAS Get Cell Location Info: LTE on the serving carrier and on
 * others, and the NR cell of a 5G (NSA or SA) connection. */
#include "qmi-modem.h"

#include "mmd-errors.h"

/* MMCellType */
enum { CELL_TYPE_LTE = 5, CELL_TYPE_5GNR = 6 };
/* measurements come in 0.1 dB(m); this one means "not measured" */
#define NOT_MEASURED G_MININT16

/* "26201" from a 3GPP TS 24.008 PLMN identity (BCD: MCC2 MCC1 | MNC3 MCC3 |
 * MNC2 MNC1, MNC3 0xF for a 2-digit MNC); NULL unless all are digits. */
static char *
operator_id(const guint8 *plmn)
{
  guint8 d[6]
      = { plmn[0] & 0xF, plmn[0] >> 4, plmn[1] & 0xF, plmn[2] & 0xF, plmn[2] >> 4, plmn[1] >> 4 };
  gsize n = d[5] == 0xF ? 5 : 6;
  char out[7];

  for (gsize i = 0; i < n; i++) {
    if (d[i] > 9)
      return NULL;
    out[i] = (char)('0' + d[i]);
  }
  out[n] = '\0';
  return g_strdup(out);
}

static void
add_tenths(GVariantDict *d, const char *key, gint16 tenths)
{
  if (tenths != NOT_MEASURED)
    g_variant_dict_insert(d, key, "d", tenths / 10.0);
}

static void
add_hex(GVariantDict *d, const char *key, guint64 value)
{
  g_autofree char *text = g_strdup_printf("%" G_GINT64_MODIFIER "X", value);

  g_variant_dict_insert(d, key, "s", text);
}

static GVariantDict *
new_cell(guint type, gboolean serving)
{
  GVariantDict *d = g_variant_dict_new(NULL);

  g_variant_dict_insert(d, "cell-type", "u", type);
  g_variant_dict_insert(d, "serving", "b", serving);
  return d;
}

/* Serving cells first, then the others, each in the order the modem gave. */
typedef struct {
  GVariantBuilder serving;
  GVariantBuilder others;
} Cells;

static void
add_cell(Cells *cells, GVariantDict *d, gboolean serving)
{
  g_variant_builder_add_value(serving ? &cells->serving : &cells->others, g_variant_dict_end(d));
  g_variant_dict_unref(d);
}

static void
add_lte_measures(GVariantDict *d, const QmiNasLteCell *c, guint earfcn)
{
  add_hex(d, "physical-ci", c->pci);
  g_variant_dict_insert(d, "earfcn", "u", earfcn);
  add_tenths(d, "rsrp", c->rsrp);
  add_tenths(d, "rsrq", c->rsrq);
}

/* The serving cell with its identity; the others on its carrier, measured. */
static void
add_intrafrequency(Cells *cells, const QmiNasGetCellLocationInfoOutput *out)
{
  g_autofree char *plmn = operator_id(out->intrafrequency_lte_info.plmn);
  guint16 serving_pci = out->intrafrequency_lte_info.serving_cell_id;
  guint earfcn = out->intrafrequency_lte_info.earfcn;
  GVariantDict *serving = new_cell(CELL_TYPE_LTE, TRUE);

  if (plmn)
    g_variant_dict_insert(serving, "operator-id", "s", plmn);
  add_hex(serving, "tac", out->intrafrequency_lte_info.tac);
  add_hex(serving, "ci", out->intrafrequency_lte_info.global_cell_id);
  add_hex(serving, "physical-ci", serving_pci);
  g_variant_dict_insert(serving, "earfcn", "u", earfcn);
  if (out->has_lte_timing_advance)
    g_variant_dict_insert(serving, "timing-advance", "u", out->lte_timing_advance);
  for (guint i = 0; i < out->intrafrequency_lte_info.n_cells; i++) {
    const QmiNasLteCell *c = &out->intrafrequency_lte_info.cells[i];
    GVariantDict *neighbour;

    if (c->pci == serving_pci) {
      add_tenths(serving, "rsrp", c->rsrp);
      add_tenths(serving, "rsrq", c->rsrq);
      continue;
    }
    neighbour = new_cell(CELL_TYPE_LTE, FALSE);
    add_lte_measures(neighbour, c, earfcn);
    add_cell(cells, neighbour, FALSE);
  }
  add_cell(cells, serving, TRUE);
}

static void
add_interfrequency(Cells *cells, const QmiNasGetCellLocationInfoOutput *out)
{
  for (guint f = 0; f < out->interfrequency_lte_info.n_frequencies; f++) {
    const QmiNasLteFrequency *freq = &out->interfrequency_lte_info.frequencies[f];

    for (guint i = 0; i < freq->n_cells; i++) {
      GVariantDict *d = new_cell(CELL_TYPE_LTE, FALSE);

      add_lte_measures(d, &freq->cells[i], freq->earfcn);
      add_cell(cells, d, FALSE);
    }
  }
}

/* The NR cell of the connection (secondary in NSA, primary in SA) */
static void
add_nr5g(Cells *cells, const QmiNasGetCellLocationInfoOutput *out)
{
  const guint8 *tac = out->nr5g_cell_information.tac;
  g_autofree char *plmn = operator_id(out->nr5g_cell_information.plmn);
  GVariantDict *d = new_cell(CELL_TYPE_5GNR, TRUE);

  if (plmn)
    g_variant_dict_insert(d, "operator-id", "s", plmn);
  add_hex(d, "tac", (guint32)tac[0] << 16 | (guint32)tac[1] << 8 | tac[2]);
  add_hex(d, "ci", out->nr5g_cell_information.global_cell_id);
  add_hex(d, "physical-ci", out->nr5g_cell_information.pci);
  if (out->has_nr5g_arfcn)
    g_variant_dict_insert(d, "nrarfcn", "u", out->nr5g_arfcn);
  add_tenths(d, "rsrp", out->nr5g_cell_information.rsrp);
  add_tenths(d, "rsrq", out->nr5g_cell_information.rsrq);
  add_tenths(d, "sinr", out->nr5g_cell_information.snr);
  add_cell(cells, d, TRUE);
}

static void
append_all(GVariantBuilder *to, GVariantBuilder *from)
{
  g_autoptr(GVariant) list = g_variant_ref_sink(g_variant_builder_end(from));
  GVariantIter iter;
  GVariant *cell;

  g_variant_iter_init(&iter, list);
  while ((cell = g_variant_iter_next_value(&iter))) {
    g_variant_builder_add_value(to, cell);
    g_variant_unref(cell);
  }
}

static GVariant *
cells_variant(const QmiNasGetCellLocationInfoOutput *out)
{
  Cells cells;
  GVariantBuilder all;

  g_variant_builder_init(&cells.serving, G_VARIANT_TYPE("aa{sv}"));
  g_variant_builder_init(&cells.others, G_VARIANT_TYPE("aa{sv}"));
  if (out->has_intrafrequency_lte_info)
    add_intrafrequency(&cells, out);
  if (out->has_interfrequency_lte_info)
    add_interfrequency(&cells, out);
  if (out->has_nr5g_cell_information)
    add_nr5g(&cells, out);
  g_variant_builder_init(&all, G_VARIANT_TYPE("aa{sv}"));
  append_all(&all, &cells.serving);
  append_all(&all, &cells.others);
  return g_variant_ref_sink(g_variant_builder_end(&all));
}

static void
cell_location_info_ready(GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  MmdQmiBackend *self = g_task_get_source_object(task);
  GError *error = NULL;
  QmiNasGetCellLocationInfoOutput out;

  if (!qmi_client_nas_get_cell_location_info_finish(self->nas, res, &out, &error)) {
    qmi_output_base_clear(&out.base);
    mmd_task_fail(task, error);
    return;
  }
  g_task_return_pointer(task, cells_variant(&out), (GDestroyNotify)g_variant_unref);
  qmi_output_base_clear(&out.base);
  g_object_unref(task);
}

void
qmi_backend_get_cell_info(MmdBackend *backend, GCancellable *cancellable,
                          GAsyncReadyCallback callback, gpointer user_data)
{
  MmdQmiBackend *self = MMD_QMI_BACKEND(backend);
  GTask *task = qmi_backend_task(self, self->nas, "Cell info", cancellable, callback, user_data);

  if (task)
    qmi_client_nas_get_cell_location_info(self->nas, QMI_TIMEOUT, cancellable,
                                          cell_location_info_ready, task);
}
