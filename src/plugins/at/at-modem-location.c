/* The serving cell over AT: the LAC/TAC and cell id that +CREG, +CGREG,
 * +CEREG and +C5GREG carry (mode 2), with the network +COPS named. */
#include "at-modem.h"

#include <string.h>

/* A modem whose +CREG reports come with the cell (mode 2) can say where it is. */
static gboolean
h_creg_test(MmdAtModem *self, Seq *seq, const char *response, const GError *cmd_error,
            GError **error)
{
  guint max_mode;

  if (!cmd_error && mmd_at_parse_creg_test(response, &max_mode, NULL) && max_mode >= 2)
    mmd_modem_set_location_capabilities(modem_of(self), MMD_MODEM_LOCATION_SOURCE_3GPP_LAC_CI);
  return TRUE;
}

void
at_location_add_init_steps(Seq *seq)
{
  at_seq_add(seq, "AT+CREG=?", 0, 0, TRUE, h_creg_test);
}

/* What the registration reports of domain said of the cell. */
void
at_location_update(MmdAtModem *self, int domain, const MmdAtRegistration *reg)
{
  self->cell_lac[domain] = reg->lac;
  self->cell_ci[domain] = reg->ci;
}

static gboolean
registered(int stat)
{
  return stat == 1 || stat == 5;
}

/* The newest technology the modem is registered on names the cell: EPS and
 * 5GS areas are tracking areas, CS and PS ones location areas. */
void
at_location_report(MmdAtModem *self)
{
  static const int order[] = { REG_5GS, REG_EPS, REG_PS, REG_CS };
  const char *code = self->op_code;
  char mcc[4] = { 0 };

  for (gsize i = 0; i < G_N_ELEMENTS(order); i++) {
    int d = order[i];
    gboolean tracking_area = d == REG_5GS || d == REG_EPS;

    if (!registered(self->stat[d]) || !self->cell_ci[d])
      continue;
    if (!code || strlen(code) < 5) {
      g_debug("%s: a cell without a network (no numeric +COPS)", self->primary->name);
      break;
    }
    memcpy(mcc, code, 3);
    mmd_modem_set_3gpp_location(modem_of(self), mcc, code + 3,
                                tracking_area ? 0 : self->cell_lac[d],
                                tracking_area ? self->cell_lac[d] : 0, self->cell_ci[d]);
    return;
  }
  mmd_modem_set_3gpp_location(modem_of(self), NULL, NULL, 0, 0, 0);
}
