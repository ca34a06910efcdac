/* How objects of the core reach the bus: the manager implements this for
 * the daemon, core tests implement it on their own bus. Modems and their
 * rooms know nothing else of the manager. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct _MmdModem MmdModem;

typedef struct {
  /* A modem object (listed by the ObjectManager). */
  void (*export_modem)(gpointer self, GDBusObjectSkeleton *object);
  /* An object that belongs to a modem (SIM, bearer, ...). */
  void (*export_object)(gpointer self, GDBusObjectSkeleton *object);
  void (*unexport)(gpointer self, const char *path);
  /* A new path for an object of a kind ("Modem", "SIM", "Bearer", ...). */
  char *(*new_path)(gpointer self, const char *kind);
  /* The modem asks to be removed (its port is gone); called from an idle. */
  void (*remove_modem)(gpointer self, MmdModem *modem);
} MmdExporterOps;

typedef struct {
  const MmdExporterOps *ops;
  gpointer self;
} MmdExporter;

static inline void
mmd_exporter_export_modem(const MmdExporter *e, GDBusObjectSkeleton *object)
{
  e->ops->export_modem(e->self, object);
}

static inline void
mmd_exporter_export_object(const MmdExporter *e, GDBusObjectSkeleton *object)
{
  e->ops->export_object(e->self, object);
}

static inline void
mmd_exporter_unexport(const MmdExporter *e, const char *path)
{
  e->ops->unexport(e->self, path);
}

static inline char *
mmd_exporter_new_path(const MmdExporter *e, const char *kind)
{
  return e->ops->new_path(e->self, kind);
}

G_END_DECLS
