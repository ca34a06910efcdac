#include "backend.h"

typedef struct {
  MmdModem *modem; /* weak: the modem owns its backend */
} MmdBackendPrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE(MmdBackend, mmd_backend, G_TYPE_OBJECT)

enum { PROP_0, PROP_MODEM, N_PROPS };

static void
mmd_backend_set_property(GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  MmdBackendPrivate *priv = mmd_backend_get_instance_private(MMD_BACKEND(object));

  switch (prop_id) {
    case PROP_MODEM:
      priv->modem = g_value_get_pointer(value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
  }
}

static void
mmd_backend_get_property(GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  MmdBackendPrivate *priv = mmd_backend_get_instance_private(MMD_BACKEND(object));

  switch (prop_id) {
    case PROP_MODEM:
      g_value_set_pointer(value, priv->modem);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
  }
}

static void
mmd_backend_class_init(MmdBackendClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS(klass);

  object_class->set_property = mmd_backend_set_property;
  object_class->get_property = mmd_backend_get_property;
  g_object_class_install_property(
      object_class, PROP_MODEM,
      g_param_spec_pointer("modem", "Modem", "The core modem this backend drives",
                           G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
}

static void
mmd_backend_init(MmdBackend *self)
{
}

MmdModem *
mmd_backend_get_modem(MmdBackend *self)
{
  MmdBackendPrivate *priv = mmd_backend_get_instance_private(self);
  return priv->modem;
}
