/* modemctl: SIM details and SIM actions (-i). */
#include <stdlib.h>

#include "mmd-enums.h"
#include "modemctl.h"
#include "modemctl-parse.h"

int
modemctl_sim_show(Ctx *ctx, MdbusSim *sim)
{
  g_autoptr(Output) output = output_new(ctx->output_type);

  output_add(output, "General", "path", "sim.dbus-path",
             g_dbus_proxy_get_object_path(G_DBUS_PROXY(sim)));
  output_add(output, "Properties", "active", "sim.properties.active",
             mdbus_sim_get_active(sim) ? "yes" : "no");
  output_add(output, "Properties", "imsi", "sim.properties.imsi", mdbus_sim_get_imsi(sim));
  output_add(output, "Properties", "iccid", "sim.properties.iccid",
             mdbus_sim_get_sim_identifier(sim));
  output_add(output, "Properties", "eid", "sim.properties.eid", mdbus_sim_get_eid(sim));
  output_add(output, "Properties", "operator id", "sim.properties.operator-code",
             mdbus_sim_get_operator_identifier(sim));
  output_add(output, "Properties", "operator name", "sim.properties.operator-name",
             mdbus_sim_get_operator_name(sim));
  output_add_list(output, "Properties", "emergency numbers", "sim.properties.emergency-numbers",
                  mdbus_sim_get_emergency_numbers(sim));
  output_add(output, "Properties", "sim type", "sim.properties.sim-type",
             modemctl_sim_type_to_string(mdbus_sim_get_sim_type(sim)));
  output_add(output, "Properties", "esim status", "sim.properties.esim-status",
             mdbus_sim_get_sim_type(sim) == 2
                 ? modemctl_esim_status_to_string(mdbus_sim_get_esim_status(sim))
                 : NULL);
  output_add(output, "Properties", "removability", "sim.properties.removability",
             modemctl_sim_removability_to_string(mdbus_sim_get_removability(sim)));
  output_print(output);
  return EXIT_SUCCESS;
}

int
modemctl_sim_run(Ctx *ctx, MdbusSim *sim, const ModemctlOptions *opts)
{
  g_autoptr(GError) error = NULL;
  const char *message;
  gboolean ok;

  ctx_set_timeout(ctx, sim, FALSE);
  if (opts->puk) {
    ok = mdbus_sim_call_send_puk_sync(sim, opts->puk, opts->pin, NULL, &error);
    message = "successfully sent PUK code to the SIM";
  } else if (opts->enable_pin || opts->disable_pin) {
    ok = mdbus_sim_call_enable_pin_sync(sim, opts->pin, opts->enable_pin, NULL, &error);
    message = opts->enable_pin ? "successfully enabled PIN code request in the SIM"
                               : "successfully disabled PIN code request in the SIM";
  } else if (opts->change_pin) {
    ok = mdbus_sim_call_change_pin_sync(sim, opts->pin, opts->change_pin, NULL, &error);
    message = "successfully changed PIN code in the SIM";
  } else if (opts->pin) {
    ok = mdbus_sim_call_send_pin_sync(sim, opts->pin, NULL, &error);
    message = "successfully sent PIN code to the SIM";
  } else {
    return ctx_fail("no SIM action given");
  }
  if (!ok)
    return ctx_fail_error(error);
  ctx_success(ctx, "%s", message);
  return EXIT_SUCCESS;
}
