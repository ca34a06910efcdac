/* Modes and bands of a Quectel module through AT+QNWPREFCFG: what the
 * module supports ("policy_band"), and setting them ("mode_pref" with the
 * modes allowed, "rat_acq_order" with the preferred one first, "lte_band",
 * "nr5g_band" and, where the module has it, "nsa_nr5g_band"). Every change
 * is read back from the module and reported as it says. */
#include "quectel-backend.h"

#include "mmd-bands.h"
#include "mmd-errors.h"
#include "quectel-at.h"

static void
take_bands(GArray *into, const char *response, const char *setting)
{
  g_autofree char *value = quectel_prefcfg_value(response, setting);
  g_autoptr(GArray) bands = quectel_parse_bands(value);

  g_array_set_size(into, 0);
  if (bands)
    g_array_append_vals(into, bands->data, bands->len);
}

gboolean
quectel_take_policy(MmdQuectelBackend *self, const char *response)
{
  g_autofree char *gw = quectel_prefcfg_value(response, "gw_band");
  g_autofree char *nsa = quectel_prefcfg_value(response, "nsa_nr5g_band");
  g_autoptr(GArray) gw_bands = quectel_parse_bands(gw);

  take_bands(self->lte_supported, response, "lte_band");
  take_bands(self->nr_supported, response, "nr5g_band");
  self->nsa_bands = nsa != NULL;
  self->supported_modes = 0;
  if (gw_bands && gw_bands->len)
    self->supported_modes |= MMD_MODEM_MODE_3G;
  if (self->lte_supported->len)
    self->supported_modes |= MMD_MODEM_MODE_4G;
  if (self->nr_supported->len)
    self->supported_modes |= MMD_MODEM_MODE_5G;
  return self->supported_modes != 0;
}

void
quectel_report_supported(MmdQuectelBackend *self)
{
  static const guint order[] = { MMD_MODEM_MODE_3G, MMD_MODEM_MODE_4G, MMD_MODEM_MODE_5G };
  g_autoptr(GArray) pairs = g_array_new(FALSE, FALSE, sizeof(guint[2]));
  g_autoptr(GArray) values = g_array_new(FALSE, FALSE, sizeof(guint));
  guint present[G_N_ELEMENTS(order)], n = 0;

  for (gsize i = 0; i < G_N_ELEMENTS(order); i++)
    if (self->supported_modes & order[i])
      present[n++] = order[i];
  /* the widest combination first, then each mode of it preferred in turn */
  for (guint subset = (1u << n) - 1; subset > 0; subset--) {
    guint pair[2] = { 0, MMD_MODEM_MODE_NONE };

    for (guint i = 0; i < n; i++)
      if (subset & (1u << i))
        pair[0] |= present[i];
    g_array_append_val(pairs, pair);
    for (guint i = 0; i < n && (pair[0] & (pair[0] - 1)); i++) {
      guint preferred[2] = { pair[0], present[i] };

      if (subset & (1u << i))
        g_array_append_val(pairs, preferred);
    }
  }
  mmd_modem_set_supported_modes(mmd_backend_get_modem(MMD_BACKEND(self)),
                                (const guint(*)[2])pairs->data, pairs->len);
  for (guint i = 0; i < self->lte_supported->len; i++) {
    guint v = mmd_band_from_eutran(g_array_index(self->lte_supported, guint, i));
    if (v)
      g_array_append_val(values, v);
  }
  for (guint i = 0; i < self->nr_supported->len; i++) {
    guint v = mmd_band_from_ngran(g_array_index(self->nr_supported, guint, i));
    if (v)
      g_array_append_val(values, v);
  }
  mmd_modem_set_supported_bands(mmd_backend_get_modem(MMD_BACKEND(self)),
                                (const guint *)values->data, values->len);
}

void
quectel_set_current_modes(MmdBackend *backend, guint allowed, guint preferred,
                          GCancellable *cancellable, GAsyncReadyCallback callback,
                          gpointer user_data)
{
  MmdQuectelBackend *self = MMD_QUECTEL_BACKEND(backend);
  GTask *task = quectel_task_new(self, cancellable, callback, user_data);
  g_autofree char *modes = NULL;
  g_autofree char *acq = NULL;

  if (allowed == (guint)MMD_MODEM_MODE_ANY)
    allowed = self->supported_modes;
  if (!allowed || (allowed & ~self->supported_modes) || (preferred & ~allowed)) {
    mmd_task_fail(task, g_error_new(MMD_CORE_ERROR, MMD_CORE_ERROR_UNSUPPORTED,
                                    "Modes (allowed 0x%x, preferred 0x%x) are not supported",
                                    allowed, preferred));
    return;
  }
  modes = quectel_modes_arg(allowed);
  quectel_task_add(task, g_strdup_printf("AT+QNWPREFCFG=\"mode_pref\",%s", modes));
  if (preferred) {
    acq = quectel_acq_order_arg(allowed, preferred);
    quectel_task_add(task, g_strdup_printf("AT+QNWPREFCFG=\"rat_acq_order\",%s", acq));
  }
  self->preferred = preferred;
  quectel_task_run(task);
}

static gboolean
in_list(const GArray *list, guint n)
{
  for (guint i = 0; i < list->len; i++)
    if (g_array_index(list, guint, i) == n)
      return TRUE;
  return FALSE;
}

/* The band numbers of a request, E-UTRAN and NR apart; FALSE naming the
 * first band the module does not have. */
static gboolean
split_bands(MmdQuectelBackend *self, const guint *bands, gsize n_bands, GArray *lte, GArray *nr,
            GError **error)
{
  for (gsize i = 0; i < n_bands; i++) {
    guint n = 0;

    if (bands[i] == MMD_MODEM_BAND_ANY) {
      g_array_append_vals(lte, self->lte_supported->data, self->lte_supported->len);
      g_array_append_vals(nr, self->nr_supported->data, self->nr_supported->len);
    } else if (mmd_band_to_eutran(bands[i], &n) && in_list(self->lte_supported, n)) {
      g_array_append_val(lte, n);
    } else if (mmd_band_to_ngran(bands[i], &n) && in_list(self->nr_supported, n)) {
      g_array_append_val(nr, n);
    } else {
      g_set_error(error, MMD_CORE_ERROR, MMD_CORE_ERROR_UNSUPPORTED,
                  "Band %u is not supported by this modem", bands[i]);
      return FALSE;
    }
  }
  return TRUE;
}

void
quectel_set_current_bands(MmdBackend *backend, const guint *bands, gsize n_bands,
                          GCancellable *cancellable, GAsyncReadyCallback callback,
                          gpointer user_data)
{
  MmdQuectelBackend *self = MMD_QUECTEL_BACKEND(backend);
  GTask *task = quectel_task_new(self, cancellable, callback, user_data);
  g_autoptr(GArray) lte = g_array_new(FALSE, FALSE, sizeof(guint));
  g_autoptr(GArray) nr = g_array_new(FALSE, FALSE, sizeof(guint));
  g_autofree char *lte_arg = NULL;
  g_autofree char *nr_arg = NULL;
  GError *error = NULL;

  if (!split_bands(self, bands, n_bands, lte, nr, &error)) {
    mmd_task_fail(task, error);
    return;
  }
  lte_arg = quectel_bands_arg((const guint *)lte->data, lte->len);
  nr_arg = quectel_bands_arg((const guint *)nr->data, nr->len);
  /* one command per kind asked for; NR for SA and NSA alike */
  if (lte->len)
    quectel_task_add(task, g_strdup_printf("AT+QNWPREFCFG=\"lte_band\",%s", lte_arg));
  if (nr->len)
    quectel_task_add(task, g_strdup_printf("AT+QNWPREFCFG=\"nr5g_band\",%s", nr_arg));
  if (nr->len && self->nsa_bands)
    quectel_task_add(task, g_strdup_printf("AT+QNWPREFCFG=\"nsa_nr5g_band\",%s", nr_arg));
  quectel_task_run(task);
}

void
quectel_reset(MmdBackend *backend, GCancellable *cancellable, GAsyncReadyCallback callback,
              gpointer user_data)
{
  GTask *task = quectel_task_new(MMD_QUECTEL_BACKEND(backend), cancellable, callback, user_data);

  /* the module answers, resets, and says RDY when it is back */
  quectel_task_add(task, g_strdup("AT+CFUN=1,1"));
  quectel_task_run_only(task);
}
