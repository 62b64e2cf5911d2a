/*
 * asan_preload_init.c
 *		Preloaded after the ASan runtime by tools/sanitize-check.sh, so that
 *		an uninstrumented PostgreSQL can load the module built with
 *		SANITIZE=1.
 *
 * A preloaded runtime is initialised after the libraries the program links
 * (ld.so runs their constructors first), and on Debian 12 some of those
 * constructors call into glibc's locale and gettext code: libgpg-error and
 * gnutls call bindtextdomain(), p11-kit calls newlocale().  Those hold a
 * glibc lock (_nl_state_lock, __libc_setlocale_lock) while they allocate,
 * the allocation is ASan's, and ASan initialising itself at that point
 * leaves the lock taken: the next gettext or locale call of the process
 * waits for ever (postgres -V and psql -V hang in bindtextdomain, a program
 * linked with libp11-kit hangs at exit in freelocale).  These wrappers take
 * the calls first (a preloaded library comes before libc in symbol lookup),
 * initialise ASan while no lock is held, and hand over to glibc.
 *
 * Build: cc -shared -fPIC -o asan_preload_init.so asan_preload_init.c libasan.so -ldl
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <locale.h>

extern void __asan_init(void);

#define FORWARD(ret, name, params, args) \
ret \
name params \
{ \
	static ret (*real) params; \
	\
	__asan_init(); \
	if (real == NULL) \
		real = (ret (*) params) dlsym(RTLD_NEXT, #name); \
	return real args; \
}

FORWARD(locale_t, newlocale, (int mask, const char *name, locale_t base), (mask, name, base))
FORWARD(char *, setlocale, (int category, const char *locale), (category, locale))
FORWARD(char *, bindtextdomain, (const char *domain, const char *dir), (domain, dir))
FORWARD(char *, bind_textdomain_codeset, (const char *domain, const char *codeset), (domain, codeset))
FORWARD(char *, textdomain, (const char *domain), (domain))
FORWARD(char *, dgettext, (const char *domain, const char *msgid), (domain, msgid))
FORWARD(char *, dcgettext, (const char *domain, const char *msgid, int category), (domain, msgid, category))
