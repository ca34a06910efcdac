/* modemctl: pure renderings of location and cell info as mmcli prints them
 * (no D-Bus; unit-tested in test-location-format.c). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* MMModemLocationSource flags: "3gpp-lac-ci, gps-raw", "none" for 0. */
char *modemctl_location_sources_build_string(guint sources);

/* The 3GPP source's value "MCC,MNC,LAC,CI,TAC" (hex numbers) into its
 * parts, as mmcli prints them: LAC %04lX, TAC %06lX, CI %08lX. FALSE when
 * it is not five fields of that kind. */
typedef struct {
  char *mcc;
  char *mnc;
  char *lac;
  char *tac;
  char *ci;
} ModemctlCell;

gboolean modemctl_parse_3gpp_location(const char *text, ModemctlCell *cell);
void modemctl_cell_clear(ModemctlCell *cell);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(ModemctlCell, modemctl_cell_clear)

/* One cell of Modem.GetCellInfo (a{sv}) as mmcli lists it:
 * "cell type: lte, serving: yes, operator id: 26201, tac: 1234, ..." */
char *modemctl_cell_info_build_string(GVariant *cell);

G_END_DECLS
