#include <spawn.h>

// glibc's GNU extensions that Swift's Glibc module leaves out (it is built without
// _GNU_SOURCE). Both exist since glibc 2.34; Debian 12 has 2.36. Only MediaTools uses them.
int posix_spawn_file_actions_addclosefrom_np(posix_spawn_file_actions_t *actions, int from);
int posix_spawn_file_actions_addchdir_np(posix_spawn_file_actions_t *__restrict actions,
                                         const char *__restrict path);
int pipe2(int fds[2], int flags);
