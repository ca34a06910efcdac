/* Network registration and operators: +CREG/+CGREG/+CEREG/+C5GREG, +COPS
 * (read and scan) and the operator names modems send. Every string returned
 * is clean text (at-parse-common.h). */
#pragma once

#include <glib.h>

#include "mmd-enums.h"

G_BEGIN_DECLS

/* The largest location area / tracking area code (3 octets in 5GS) and cell
 * identity (36 bits in NR) that a registration report may carry; larger
 * values are rejected. */
#define MMD_AT_LAC_MAX G_GUINT64_CONSTANT(0xFFFFFF)
#define MMD_AT_CI_MAX G_GUINT64_CONSTANT(0xFFFFFFFFF)

typedef struct {
  int n;       /* -1 if absent (URC) */
  int stat;    /* 27.007 <stat>, equal to MmdModem3gppRegistrationState */
  guint32 lac; /* lac/tac, 0 if absent */
  guint64 ci;
  int act; /* 27.007 <AcT>, -1 if absent */
} MmdAtRegistration;

/* +CREG/+CGREG/+CEREG/+C5GREG, as a response to the read command
 * (n,stat[,...]) or as a URC (stat[,lac,ci[,act...]]). */
gboolean mmd_at_parse_registration(const char *line, MmdAtRegistration *reg, GError **error);
MmdModem3gppRegistrationState mmd_at_registration_state(int stat);
/* 27.007 <AcT> -> MmdModemAccessTechnology mask (0 for unknown). */
guint mmd_at_act_to_access_technology(int act);

/* +COPS?: mode, format (-1 if absent), operator (NULL if absent, and for a
 * numeric format that is not 5-6 digits), act (-1). */
gboolean mmd_at_parse_cops_read(const char *response, int *mode, int *format, char **oper, int *act,
                                GError **error);

typedef struct {
  guint status; /* MmdModem3gppNetworkAvailability */
  char *long_name;
  char *short_name;
  char *code;
  int act; /* -1 if absent */
} MmdAtOperator;
void mmd_at_operator_free(MmdAtOperator *op);
/* +COPS=?: a GPtrArray of MmdAtOperator (owns them); trailing groups of
 * supported modes/formats are skipped. */
GPtrArray *mmd_at_parse_cops_test(const char *response, GError **error);
/* A name as modems send it: UCS2 hex ("00540065") decoded, else copied; clean
 * text either way. */
char *mmd_at_decode_name(const char *name);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(MmdAtOperator, mmd_at_operator_free)

G_END_DECLS
