/* Final error results with a cause: +CME ERROR and +CMS ERROR lines as
 * GErrors. Their messages carry only clean text (at-parse-common.h). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* "+CME ERROR: <n|text>" -> GError in MMD_MOBILE_EQUIPMENT_ERROR, or NULL if
 * the line is not one. Unknown codes or texts give MobileEquipment.Unknown. */
GError *mmd_at_parse_cme_error(const char *line);
/* "+CMS ERROR: <n>" as a Message error (27.005 3.2.5 codes by their names,
 * others Message.Unknown with the code), or NULL if line is not one. */
GError *mmd_at_parse_cms_error(const char *line);

G_END_DECLS
