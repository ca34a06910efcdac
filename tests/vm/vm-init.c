/* vm-init: PID 1 of the test VM.
 *
 * tests/vm/vm.py compiles this file statically at test time and puts it, with
 * the kernel modules the run needs and a description of the job, into a
 * throw-away initramfs.  It then:
 *
 *   1. loads the listed modules in the order the host resolved them;
 *   2. mounts the host's root (virtio-9p, read-only) and makes it the root;
 *   3. mounts proc, sys, dev and fresh tmpfs on /tmp and /run;
 *   4. mounts the host-shared writable directory at the host's path for it;
 *   5. runs the command with its output in files of that directory;
 *   6. writes the exit status there and reboots, which ends QEMU (-no-reboot).
 *
 * The initramfs holds:
 *   /job/argv, /job/env   NUL-terminated strings
 *   /job/cwd, /job/share  one path each (no newline)
 *   /job/nonce            random token that the console markers carry
 *   /job/modules          "<file under /modules>[ <options>]", one a line
 *   /job/modules-share    present if the kernel's module tree is shared too
 *
 * Console lines "modemd-vm:<nonce>:..." are what the host watches: the nonce
 * keeps kernel or program output from being mistaken for a marker.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_JOB_FILE (1024 * 1024)
#define MAX_STRINGS 4096
/* Large 9p messages: python imports hundreds of files through the root. */
#define NINEP_OPTS "trans=virtio,version=9p2000.L,msize=262144"

struct job {
  char *argv[MAX_STRINGS + 1];
  char *env[MAX_STRINGS + 1];
  char *cwd;
  char *share;
  char *nonce;
  char *modules;
  int share_modules;
};

static const char *marker_nonce = "-";

static void
console(const char *fmt, ...)
{
  va_list ap;

  va_start(ap, fmt);
  printf("modemd-vm:%s:", marker_nonce);
  vprintf(fmt, ap);
  putchar('\n');
  fflush(stdout);
  va_end(ap);
}

static double
uptime(void)
{
  struct timespec ts;

  clock_gettime(CLOCK_BOOTTIME, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Nothing is left to run the command with: end the VM, which the host sees
 * as an exit without a status file. */
static _Noreturn void
die(const char *what)
{
  console("error %s: %s", what, strerror(errno));
  sync();
  reboot(RB_AUTOBOOT);
  _exit(1);
}

/* Reads a whole initramfs file, NUL-terminated; NULL if it is absent. */
static char *
read_file(const char *path, size_t *len_out)
{
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  char *buf;
  size_t len = 0;

  if (fd < 0)
    return NULL;
  buf = malloc(MAX_JOB_FILE + 1);
  if (!buf)
    die("malloc");
  for (;;) {
    ssize_t n = read(fd, buf + len, MAX_JOB_FILE - len);
    if (n < 0)
      die(path);
    if (n == 0)
      break;
    len += (size_t)n;
    if (len == MAX_JOB_FILE) {
      errno = EFBIG;
      die(path);
    }
  }
  close(fd);
  buf[len] = '\0';
  if (len_out)
    *len_out = len;
  return buf;
}

/* Splits NUL-terminated strings into a NULL-terminated vector. */
static void
split_strings(char *buf, size_t len, char **vec)
{
  size_t count = 0;
  size_t pos = 0;

  while (pos < len) {
    if (count == MAX_STRINGS) {
      errno = E2BIG;
      die("job strings");
    }
    vec[count++] = buf + pos;
    pos += strlen(buf + pos) + 1;
  }
  vec[count] = NULL;
}

static void
read_job(struct job *job)
{
  size_t len;
  char *buf;

  buf = read_file("/job/argv", &len);
  if (!buf || len == 0) {
    errno = ENOENT;
    die("/job/argv");
  }
  split_strings(buf, len, job->argv);
  buf = read_file("/job/env", &len);
  if (buf)
    split_strings(buf, len, job->env);
  job->cwd = read_file("/job/cwd", NULL);
  job->share = read_file("/job/share", NULL);
  job->nonce = read_file("/job/nonce", NULL);
  job->modules = read_file("/job/modules", NULL);
  job->share_modules = access("/job/modules-share", F_OK) == 0;
  if (!job->cwd || !job->share || !job->nonce) {
    errno = ENOENT;
    die("/job");
  }
}

/* One line of /job/modules: "<file under /modules>[ <module options>]". */
static void
load_module(char *line)
{
  char *options = strchr(line, ' ');
  char path[512];
  int fd;

  if (options)
    *options++ = '\0';
  snprintf(path, sizeof(path), "/modules/%s", line);
  fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    die(path);
  /* EEXIST: a module that is also built in, or listed twice. */
  if (syscall(SYS_finit_module, fd, options ? options : "", 0) != 0 && errno != EEXIST)
    die(path);
  close(fd);
}

static void
load_modules(char *list)
{
  char *save = NULL;

  if (!list)
    return;
  for (char *line = strtok_r(list, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
    load_module(line);
}

static void
mount_or_die(const char *source, const char *target, const char *type, unsigned long flags,
             const char *options)
{
  if (mount(source, target, type, flags, options) != 0)
    die(target);
}

/* Optional mounts: a host without that directory simply goes without. */
static void
mount_if_dir(const char *source, const char *target, const char *type, const char *options)
{
  struct stat st;

  if (stat(target, &st) == 0 && S_ISDIR(st.st_mode))
    mount(source, target, type, 0, options);
}

static void
mkdir_parents(const char *path)
{
  char buf[4096];

  if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf)) {
    errno = ENAMETOOLONG;
    die(path);
  }
  for (char *p = buf + 1; *p; p++) {
    if (*p != '/')
      continue;
    *p = '\0';
    mkdir(buf, 0755);
    *p = '/';
  }
  if (mkdir(buf, 0755) != 0 && errno != EEXIST)
    die(path);
}

/* The host's root becomes "/" the way switch_root does it (move, then
 * chroot), so that the kernel's own request_module() calls find the host's
 * /sbin/modprobe too: PID 1 shares its root with the kernel threads. */
static void
switch_to_host_root(void)
{
  mount_or_die("hostroot", "/newroot", "9p", MS_RDONLY, NINEP_OPTS ",cache=loose");
  if (chdir("/newroot") != 0)
    die("chdir /newroot");
  mount_or_die(".", "/", NULL, MS_MOVE, NULL);
  if (chroot(".") != 0 || chdir("/") != 0)
    die("chroot");
}

static void
mount_system_dirs(void)
{
  mount_or_die("proc", "/proc", "proc", 0, NULL);
  mount_or_die("sysfs", "/sys", "sysfs", 0, NULL);
  mount_or_die("devtmpfs", "/dev", "devtmpfs", 0, NULL);
  mkdir("/dev/pts", 0755);
  mount_or_die("devpts", "/dev/pts", "devpts", 0, "ptmxmode=0666");
  mkdir("/dev/shm", 01777);
  mount_or_die("tmpfs", "/dev/shm", "tmpfs", 0, "mode=1777");
  mount_or_die("tmpfs", "/tmp", "tmpfs", 0, "mode=1777");
  mount_or_die("tmpfs", "/run", "tmpfs", 0, "mode=0755");
  mount_if_dir("tmpfs", "/var/tmp", "tmpfs", "mode=1777");
  mount_if_dir("debugfs", "/sys/kernel/debug", "debugfs", NULL);
}

/* A kernel other than the host's own: its module tree replaces the host's
 * /lib/modules so that modprobe inside the guest finds the right files. */
static void
mount_module_tree(void)
{
  struct utsname uts;
  char path[512];

  if (uname(&uts) != 0)
    die("uname");
  mount_or_die("tmpfs", "/lib/modules", "tmpfs", 0, "mode=0755");
  snprintf(path, sizeof(path), "/lib/modules/%s", uts.release);
  mkdir_parents(path);
  mount_or_die("modules", path, "9p", MS_RDONLY, NINEP_OPTS ",cache=loose");
}

static int
open_output(const char *share, const char *name)
{
  char path[4096];
  int fd;

  snprintf(path, sizeof(path), "%s/%s", share, name);
  fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0)
    die(path);
  return fd;
}

static _Noreturn void
exec_command(const struct job *job, int out_fd, int err_fd)
{
  int null_fd = open("/dev/null", O_RDONLY);

  setsid();
  if (null_fd < 0 || dup2(null_fd, 0) < 0 || dup2(out_fd, 1) < 0 || dup2(err_fd, 2) < 0)
    _exit(126);
  if (chdir(job->cwd) != 0) {
    dprintf(2, "vm-init: cannot enter %s: %s\n", job->cwd, strerror(errno));
    _exit(126);
  }
  /* execvp searches the PATH of the job's environment, not ours. */
  environ = (char **)job->env;
  execvp(job->argv[0], (char **)job->argv);
  dprintf(2, "vm-init: cannot run %s: %s\n", job->argv[0], strerror(errno));
  _exit(127);
}

/* As PID 1 we inherit every orphan: reap them until the command itself ends. */
static int
wait_for(pid_t child)
{
  int status;

  for (;;) {
    pid_t pid = wait(&status);
    if (pid == child)
      return status;
    if (pid < 0 && errno != EINTR)
      die("wait");
  }
}

/* Daemons the command left behind must not outlive it (nor keep files of
 * the share open while the host reads them). */
static void
kill_leftovers(void)
{
  kill(-1, SIGKILL);
  while (wait(NULL) > 0 || errno == EINTR)
    ;
}

static void
write_status(const char *share, int status, double started, double ended)
{
  char tmp[4096];
  char final[4096];
  FILE *f;

  snprintf(tmp, sizeof(tmp), "%s/status.tmp", share);
  snprintf(final, sizeof(final), "%s/status", share);
  f = fopen(tmp, "w");
  if (!f)
    die(tmp);
  if (WIFEXITED(status))
    fprintf(f, "exit=%d\n", WEXITSTATUS(status));
  else
    fprintf(f, "signal=%d\n", WTERMSIG(status));
  fprintf(f, "uptime_command_start=%.3f\nuptime_command_end=%.3f\n", started, ended);
  if (fflush(f) != 0 || fsync(fileno(f)) != 0 || fclose(f) != 0)
    die(tmp);
  /* Renamed whole: the host never reads a half-written status. */
  if (rename(tmp, final) != 0)
    die(final);
}

int
main(void)
{
  static struct job job;
  int out_fd, err_fd, status;
  double started, ended;
  pid_t child;

  read_job(&job);
  marker_nonce = job.nonce;
  load_modules(job.modules);
  switch_to_host_root();
  mount_system_dirs();
  if (job.share_modules)
    mount_module_tree();
  mkdir_parents(job.share);
  mount_or_die("share", job.share, "9p", 0, NINEP_OPTS);

  out_fd = open_output(job.share, "stdout");
  err_fd = open_output(job.share, "stderr");
  started = uptime();
  console("command-start uptime=%.3f", started);
  child = fork();
  if (child < 0)
    die("fork");
  if (child == 0)
    exec_command(&job, out_fd, err_fd);
  status = wait_for(child);
  ended = uptime();
  kill_leftovers();
  close(out_fd);
  close(err_fd);
  write_status(job.share, status, started, ended);
  console("done status=%d uptime=%.3f", status, ended);
  sync();
  reboot(RB_AUTOBOOT);
  die("reboot");
}
