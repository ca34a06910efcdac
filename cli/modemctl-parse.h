/* Parsing helpers of modemctl: object selectors, key=value strings, bands.
 *
 * Pure functions (no D-Bus traffic), unit-tested in test-modemctl-parse.c. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Resolves a selector given on the command line ("3", "/org/example/Modem1/Modem/3",
 * or "any" when any_allowed) into an object path under prefix (e.g. MMD_DBUS_MODEM_PREFIX).
 * On "any", *out_path is NULL and *out_any TRUE. */
gboolean modemctl_parse_selector(const char *str, const char *prefix, gboolean any_allowed,
                                 char **out_path, gboolean *out_any, GError **error);

/* Index of a path under prefix ("/org/example/Modem1/Modem/12" -> 12), or -1. */
gint64 modemctl_path_index(const char *path, const char *prefix);

/* Splits "k1=v1,k2='v 2, with comma',k3=\"v3\"" into an array of key, value, key, value, ...
 * (NULL-terminated). Keys and unquoted values are stripped of surrounding spaces. */
gboolean modemctl_parse_key_values(const char *str, GStrv *out_pairs, GError **error);

/* yes/no/true/false/1/0 (case-insensitive). */
gboolean modemctl_parse_boolean(const char *str, gboolean *out_value);

/* Bearer properties for --create-bearer (simple == FALSE) or --simple-connect (simple == TRUE):
 * returns a floating-free a{sv} reference with the D-Bus types of the API. */
GVariant *modemctl_build_bearer_properties(const char *str, gboolean simple, GError **error);
/* The same from pairs as modemctl_parse_key_values() returns them. */
GVariant *modemctl_build_bearer_properties_from_pairs(const char *const *pairs, gboolean simple,
                                                      GError **error);

/* Properties of --report-kernel-event ("action=add,subsystem=usbmisc,name=cdc-wdm0,uid=..."). */
GVariant *modemctl_build_kernel_event_properties(const char *str, GError **error);

/* Band names as mmcli prints them ("eutran-3", "utran-1", "egsm", "ngran-78", ...). */
char *modemctl_band_to_string(guint band);
gboolean modemctl_band_from_string(const char *str, guint *out_band);
/* "eutran-1|eutran-3" (also ',') to an "au" variant; "any" alone is accepted. */
GVariant *modemctl_build_bands(const char *str, GError **error);

/* "allowed: 3g, 4g; preferred: 4g" */
char *modemctl_modes_to_string(guint allowed, guint preferred);

/* Flag/enum renderings that mmd-enums.h does not provide. */
char *modemctl_allowed_auth_build_string(guint auth);
char *modemctl_facility_build_string(guint facilities);
const char *modemctl_state_change_reason_to_string(guint reason);
const char *modemctl_sim_type_to_string(guint type);
const char *modemctl_esim_status_to_string(guint status);
const char *modemctl_sim_removability_to_string(guint removability);

G_END_DECLS
