/* Multiplexed data sessions over MBIM: session id N > 0 on a link of its own.
 *
 * Session 0 is the net port itself. The others need a link that the driver
 * maps to their session id: on the wwan subsystem (mhi_wwan_mbim, PCIe) a
 * wwan link with that link id on the port's wwan device; with cdc_mbim (USB)
 * a VLAN with that id over the net port. Links are made before the session
 * is activated and removed after it ends (mmd-link.c). */
#include "mbim-backend.h"

#include <string.h>

#include "mmd-link.h"

/* Which links the modem's ports take: the wwan device of the MBIM port, or a
 * cdc_mbim net port; none otherwise (NULL). */
static char *
wwan_device_of(const MmdPort *control)
{
  g_autofree char *class_path = NULL;
  g_autofree char *link = NULL;
  g_autofree char *parent = NULL;

  if (!control || g_strcmp0(control->subsystem, "wwan") != 0 || !control->name)
    return NULL;
  /* /sys/class/wwan/wwan0mbim0 -> .../wwan/wwan0/wwan0mbim0 */
  class_path = g_build_filename("/sys/class/wwan", control->name, NULL);
  link = g_file_read_link(class_path, NULL);
  parent = link ? g_path_get_dirname(link) : NULL;
  return parent ? g_path_get_basename(parent) : NULL;
}

static gboolean
link_spec(MmdMbimBackend *self, MmdLinkSpec *spec, char **owned_parent)
{
  MmdModem *modem = modem_of(self);
  const MmdPort *control = mmd_modem_find_port(modem, MMD_MODEM_PORT_TYPE_MBIM);
  const MmdPort *net = mmd_modem_find_port(modem, MMD_MODEM_PORT_TYPE_NET);
  char *wwan = wwan_device_of(control);

  memset(spec, 0, sizeof(*spec));
  *owned_parent = wwan;
  if (wwan) {
    spec->kind = MMD_LINK_WWAN;
    spec->parent = wwan;
    return TRUE;
  }
  if (control && g_strcmp0(control->driver, "cdc_mbim") == 0 && net && net->name) {
    spec->kind = MMD_LINK_VLAN;
    spec->parent = net->name;
    return TRUE;
  }
  return FALSE;
}

void
mbim_mux_report_limits(MmdMbimBackend *self, guint32 max_sessions)
{
  MmdLinkSpec spec;
  g_autofree char *parent = NULL;
  guint sessions = MAX(1u, MIN(max_sessions, (guint32)MAX_SESSIONS));
  guint multiplexed = link_spec(self, &spec, &parent) ? sessions - 1 : 0;

  mmd_modem_set_max_bearers(modem_of(self), 1 + multiplexed, 1);
  mmd_modem_set_max_multiplexed_bearers(modem_of(self), multiplexed);
}

char *
mbim_mux_add_link(MmdMbimBackend *self, guint32 session, GError **error)
{
  g_autofree char *parent = NULL;
  g_autofree char *name = NULL;
  MmdLinkSpec spec;

  if (!link_spec(self, &spec, &parent)) {
    g_set_error(error, MMD_CORE_ERROR, MMD_CORE_ERROR_UNSUPPORTED,
                "The ports of this modem take no multiplexed links");
    return NULL;
  }
  name = g_strdup_printf("%.10s.%u", mbim_net_interface(self), session);
  spec.name = name;
  spec.id = session;
  if (!mmd_link_add(&spec, error))
    return NULL;
  g_message("%s: link of session %u on %s", name, session, spec.parent);
  return g_steal_pointer(&name);
}

void
mbim_mux_remove_link(const char *link)
{
  g_autoptr(GError) error = NULL;

  if (!link)
    return;
  if (mmd_link_remove(link, &error))
    g_message("%s: link removed", link);
  else
    g_warning("Removing %s: %s", link, error->message);
}

static void
deactivated(GObject *source, GAsyncResult *res, gpointer user_data)
{
  /* Sent at shutdown: nobody waits for the answer, only its memory is freed. */
  g_autoptr(MbimConnectInfo) info
      = mbim_command_connect_set_finish(MBIM_DEVICE(source), res, NULL, NULL);

  (void)info;
}

void
mbim_mux_end_sessions(MmdMbimBackend *self)
{
  for (guint32 sid = 1; sid < MAX_SESSIONS; sid++) {
    MbimSetConnect in = { .session_id = sid, .activation_command = 0 };

    if (self->sessions[sid] && self->device) {
      memcpy(in.context_type, mbim_uuid_context_internet, sizeof in.context_type);
      mbim_command_connect_set(self->device, &in, CMD_TIMEOUT_S, NULL, deactivated, NULL);
    }
    mbim_mux_remove_link(self->links[sid]);
    g_clear_pointer(&self->links[sid], g_free);
  }
}
