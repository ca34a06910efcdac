/* The compatibility export: every object of ours also served under the
 * reference's name (org.freedesktop.ModemManager1), object paths and
 * interface names, so that its clients (NetworkManager, mmcli, libmm-glib,
 * ModemManagerQt) work unchanged.
 *
 * It is a mirror, not a second implementation: each interface of a native
 * object is registered again at the compat path with the same method,
 * signal and property descriptions (only the interface name differs), and
 * calls are handed to the same skeleton, so they take the one method path
 * of method.c; object paths in arguments, results, properties and signals
 * are translated on the way (compat-names.h). Modems are listed by the
 * compat ObjectManager once initialized (State past INITIALIZING), with no
 * signal mirrored before that; their SIM, bearer and other objects are
 * exported but not listed, as the reference does. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct _MmdCompat MmdCompat;

MmdCompat *mmd_compat_new(GDBusConnection *connection);
void mmd_compat_free(MmdCompat *compat);

/* The manager interface, at the compat root (with the ObjectManager). */
void mmd_compat_export_manager(MmdCompat *compat, GDBusInterfaceSkeleton *manager);
/* An exported native object; listed: a modem, shown by the ObjectManager.
 * Interfaces added to it later are mirrored too. */
void mmd_compat_export(MmdCompat *compat, GDBusObjectSkeleton *object, gboolean listed);
void mmd_compat_unexport(MmdCompat *compat, const char *native_path);

G_END_DECLS
