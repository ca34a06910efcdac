#include "netifd-request.h"

#include <string.h>

#include "mmd-enums.h"
#include "modemctl-parse.h"

#define REQUEST_ERROR G_OPTION_ERROR
#define REQUEST_ERROR_BAD_VALUE G_OPTION_ERROR_BAD_VALUE

void
netifd_request_free(NetifdRequest *request)
{
  if (!request)
    return;
  g_free(request->device);
  if (request->pin) {
    /* A secret: do not leave it in freed memory. */
    explicit_bzero(request->pin, strlen(request->pin));
    g_free(request->pin);
  }
  g_clear_pointer(&request->connect, g_variant_unref);
  g_free(request);
}

static gboolean
parse_wait(const char *value, guint *out_seconds, GError **error)
{
  guint64 seconds;

  if (!g_ascii_string_to_unsigned(value, 10, 0, NETIFD_MAX_WAIT_SECONDS, &seconds, NULL)) {
    g_set_error(error, REQUEST_ERROR, REQUEST_ERROR_BAD_VALUE,
                "invalid wait '%s' (expected 0 to %d seconds)", value, NETIFD_MAX_WAIT_SECONDS);
    return FALSE;
  }
  *out_seconds = (guint)seconds;
  return TRUE;
}

static gboolean
parse_mode(const char *key, const char *value, guint *out_modes, GError **error)
{
  if (mmd_modem_mode_from_string(value, out_modes))
    return TRUE;
  g_set_error(error, REQUEST_ERROR, REQUEST_ERROR_BAD_VALUE,
              "invalid %s '%s' (expected cs, 2g, 3g, 4g, 5g joined with '|', or any)", key, value);
  return FALSE;
}

/* Takes the keys that are ours out of pairs; what is left is for Simple.Connect. */
static gboolean
take_own_key(NetifdRequest *request, const char *key, const char *value, gboolean *out_taken,
             GError **error)
{
  *out_taken = TRUE;
  if (g_str_equal(key, "device")) {
    g_free(request->device);
    request->device = g_strdup(value);
    return TRUE;
  }
  if (g_str_equal(key, "wait"))
    return parse_wait(value, &request->wait_seconds, error);
  if (g_str_equal(key, "pin")) {
    g_free(request->pin);
    request->pin = g_strdup(value);
    return TRUE;
  }
  if (g_str_equal(key, "allowed-modes")) {
    request->set_modes = TRUE;
    return parse_mode(key, value, &request->allowed_modes, error);
  }
  if (g_str_equal(key, "preferred-mode"))
    return parse_mode(key, value, &request->preferred_mode, error);
  *out_taken = FALSE;
  return TRUE;
}

static gboolean
check_request(const NetifdRequest *request, GError **error)
{
  if (!request->device) {
    g_set_error(error, REQUEST_ERROR, REQUEST_ERROR_BAD_VALUE, "missing key 'device'");
    return FALSE;
  }
  if (request->preferred_mode != MMD_MODEM_MODE_NONE && !request->set_modes) {
    g_set_error(error, REQUEST_ERROR, REQUEST_ERROR_BAD_VALUE,
                "preferred-mode needs allowed-modes");
    return FALSE;
  }
  return TRUE;
}

NetifdRequest *
netifd_request_parse(const char *str, GError **error)
{
  g_autoptr(NetifdRequest) request = g_new0(NetifdRequest, 1);
  g_auto(GStrv) pairs = NULL;
  g_autoptr(GPtrArray) rest = g_ptr_array_new();

  request->wait_seconds = NETIFD_DEFAULT_WAIT_SECONDS;
  request->preferred_mode = MMD_MODEM_MODE_NONE;
  if (!modemctl_parse_key_values(str, &pairs, error))
    return NULL;
  for (guint i = 0; pairs[i]; i += 2) {
    gboolean taken;

    if (!pairs[i + 1][0])
      continue;
    if (!take_own_key(request, pairs[i], pairs[i + 1], &taken, error))
      return NULL;
    if (!taken) {
      g_ptr_array_add(rest, pairs[i]);
      g_ptr_array_add(rest, pairs[i + 1]);
    }
  }
  g_ptr_array_add(rest, NULL);
  if (!check_request(request, error))
    return NULL;
  /* With simple == FALSE, a "pin" left over would be refused, but it is ours already. */
  request->connect
      = modemctl_build_bearer_properties_from_pairs((const char *const *)rest->pdata, TRUE, error);
  if (!request->connect)
    return NULL;
  return g_steal_pointer(&request);
}

static gboolean
port_matches(const char *device, GVariant *ports)
{
  const char *name = g_str_has_prefix(device, "/dev/") ? device + strlen("/dev/") : device;
  GVariantIter iter;
  const char *port_name;
  guint32 port_type;

  if (!ports || !g_variant_is_of_type(ports, G_VARIANT_TYPE("a(su)")))
    return FALSE;
  g_variant_iter_init(&iter, ports);
  while (g_variant_iter_next(&iter, "(&su)", &port_name, &port_type))
    if (g_str_equal(port_name, name))
      return TRUE;
  return FALSE;
}

gboolean
netifd_device_matches(const char *device, const char *modem_path, const char *modem_device,
                      GVariant *ports)
{
  g_autofree char *path = NULL;
  gboolean any = FALSE;

  if (!device || !*device)
    return FALSE;
  if ((g_ascii_isdigit(device[0]) || g_str_has_prefix(device, MMD_DBUS_MODEM_PREFIX "/"))
      && modemctl_parse_selector(device, MMD_DBUS_MODEM_PREFIX, FALSE, &path, &any, NULL))
    return g_strcmp0(path, modem_path) == 0;
  if (g_strcmp0(device, modem_device) == 0)
    return TRUE;
  return port_matches(device, ports);
}

static const struct {
  const char *code;
  gboolean retryable;
} netifd_errors[] = {
  [NETIFD_ERROR_INVALID_SETTINGS] = { "INVALID_SETTINGS", FALSE },
  [NETIFD_ERROR_NO_DAEMON] = { "NO_DAEMON", TRUE },
  [NETIFD_ERROR_NO_MODEM] = { "NO_MODEM", TRUE },
  [NETIFD_ERROR_MODEM_FAILED] = { "MODEM_FAILED", TRUE },
  [NETIFD_ERROR_SIM_MISSING] = { "SIM_MISSING", FALSE },
  [NETIFD_ERROR_SIM_FAILED] = { "SIM_FAILED", FALSE },
  [NETIFD_ERROR_PIN_REQUIRED] = { "PIN_REQUIRED", FALSE },
  [NETIFD_ERROR_PIN_WRONG] = { "PIN_WRONG", FALSE },
  [NETIFD_ERROR_PIN_LAST_ATTEMPT] = { "PIN_LAST_ATTEMPT", FALSE },
  [NETIFD_ERROR_PUK_REQUIRED] = { "PUK_REQUIRED", FALSE },
  [NETIFD_ERROR_SIM_LOCKED] = { "SIM_LOCKED", FALSE },
  [NETIFD_ERROR_MODES_FAILED] = { "MODES_FAILED", FALSE },
  [NETIFD_ERROR_NO_NETWORK] = { "NO_NETWORK", TRUE },
  [NETIFD_ERROR_CONNECT_FAILED] = { "CONNECT_FAILED", TRUE },
  [NETIFD_ERROR_NO_IP_CONFIG] = { "NO_IP_CONFIG", TRUE },
};

const char *
netifd_error_code(NetifdError error)
{
  g_return_val_if_fail((gsize)error < G_N_ELEMENTS(netifd_errors), "UNKNOWN");
  return netifd_errors[error].code;
}

gboolean
netifd_error_is_retryable(NetifdError error)
{
  g_return_val_if_fail((gsize)error < G_N_ELEMENTS(netifd_errors), TRUE);
  return netifd_errors[error].retryable;
}
