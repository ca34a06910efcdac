/* modemctl: Modem.GetCellInfo (--get-cell-info), as mmcli lists the cells. */
#include <stdlib.h>

#include "location-format.h"
#include "modemctl.h"

int
modemctl_cell_info_run(Ctx *ctx, MdbusObject *object)
{
  MdbusModem *modem = mdbus_object_peek_modem(object);
  g_autoptr(Output) output = output_new(ctx->output_type);
  g_autoptr(GVariant) cells = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func(g_free);
  GVariantIter iter;
  GVariant *cell;

  ctx_set_timeout(ctx, modem, FALSE);
  if (!mdbus_modem_call_get_cell_info_sync(modem, &cells, NULL, &error))
    return ctx_fail_error(error);
  /* mmcli lists the cells last to first (libmm-glib prepends each to its
   * list): so does modemctl, so that their -K output is the same */
  g_variant_iter_init(&iter, cells);
  while ((cell = g_variant_iter_next_value(&iter))) {
    g_ptr_array_insert(lines, 0, modemctl_cell_info_build_string(cell));
    g_variant_unref(cell);
  }
  g_ptr_array_add(lines, NULL);
  if (lines->len == 1 && output_get_type(output) == OUTPUT_HUMAN)
    output_add(output, "Cell info", "cells", "modem.generic.cell-info", "n/a");
  else
    output_add_items(output, "Cell info", "cells", "modem.generic.cell-info",
                     (const char *const *)lines->pdata);
  output_print(output);
  return EXIT_SUCCESS;
}
