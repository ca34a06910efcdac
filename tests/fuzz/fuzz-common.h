/* What the fuzz targets share. Include it in one target source each. */
#pragma once

#include <stdlib.h>

#include <glib.h>

/* Logs are dropped (formatting them would take most of the time), except that
 * a GLib warning or critical is a finding: it is printed and the run aborts,
 * as it would on a daemon started with G_DEBUG=fatal-criticals. */
static GLogWriterOutput
fuzz_log_writer(GLogLevelFlags level, const GLogField *fields, gsize n_fields, gpointer user_data)
{
  if (!(level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING)))
    return G_LOG_WRITER_HANDLED;
  g_log_writer_standard_streams(level, fields, n_fields, user_data);
  abort();
}

int LLVMFuzzerInitialize(int *argc, char ***argv);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
  g_log_set_writer_func(fuzz_log_writer, NULL, NULL);
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
