package condorcfg

import "strings"

// securityTemplates are the bodies of HTCondor's SECURITY metaknobs, the
// ones that decide authentication and authorization and that HTCondor-CE
// uses (`use security:recommended` in 01-common-auth-defaults.conf). They
// are HTCondor's compiled-in parameter table entries, which no CE host
// carries as a file; TestSecurityTemplatesMatchHTCondor compares each with
// HTCondor's param_info.in (comments and blank lines aside) so they cannot
// drift unnoticed.
var securityTemplates = map[string]string{
	"HOST_BASED": `ALLOW_ADMINISTRATOR=$(CONDOR_HOST)
ALLOW_READ=*
ALLOW_WRITE=$(FULL_HOSTNAME) $(IPV4_ADDRESS) $(IPV6_ADDRESS)
ALLOW_DAEMON=$(FULL_HOSTNAME) $(IPV4_ADDRESS) $(IPV6_ADDRESS)
ALLOW_NEGOTIATOR=$(CONDOR_HOST)
ALLOW_NEGOTIATOR_SCHEDD=$(ALLOW_NEGOTIATOR) $(FLOCK_NEGOTIATOR_HOSTS)
ALLOW_WRITE_COLLECTOR=$(ALLOW_WRITE) $(FLOCK_FROM)
ALLOW_WRITE_STARTD=$(ALLOW_WRITE) $(FLOCK_FROM)
ALLOW_READ_COLLECTOR=$(ALLOW_READ) $(FLOCK_FROM)
ALLOW_READ_STARTD=$(ALLOW_READ) $(FLOCK_FROM)
LEGACY_ALLOW_SEMANTICS = TRUE`,
	"WITH_AUTHENTICATION": `SEC_DEFAULT_AUTHENTICATION=required
SEC_DEFAULT_INTEGRITY=required`,
	"STRONG": `SEC_DEFAULT_ENCRYPTION=required
SEC_DEFAULT_INTEGRITY=required
SEC_DEFAULT_AUTHENTICATION=required`,
	"USER_BASED": `if $(CondorIsAdmin)
authuser=condor
else
authuser=$(USERNAME)
endif
use security:recommended($(authuser))
if ! $(CondorIsAdmin)
ALLOW_WRITE = $(authuser)@$(UID_DOMAIN)
endif`,
	"GET_HTCONDOR_IDTOKENS": `use security:recommended
SEC_READ_AUTHENTICATION_METHODS = $(SEC_DEFAULT_AUTHENTICATION_METHODS),ANONYMOUS
SEC_CLIENT_AUTHENTICATION_METHODS = $(SEC_DEFAULT_AUTHENTICATION_METHODS),ANONYMOUS
TRUST_DOMAIN = $(CONDOR_HOST)`,
	"RECOMMENDED_V9_0": `SECURITY_MODEL = 9.0
use security:strong
SEC_READ_AUTHENTICATION = OPTIONAL
SEC_READ_ENCRYPTION = OPTIONAL
SEC_READ_INTEGRITY = OPTIONAL
ALLOW_ADMINISTRATOR = $(1:condor)@* condor_pool@* $(2:root@*) $(3+)
ALLOW_DAEMON = $(1:condor)@*  condor_pool@*
ALLOW_NEGOTIATOR = $(1:condor)@* condor_pool@*
ALLOW_WRITE = *
ALLOW_READ = *`,
	"RECOMMENDED_V24_0": `SECURITY_MODEL = 24.0
use security:strong
SEC_READ_AUTHENTICATION = OPTIONAL
SEC_CLIENT_AUTHENTICATION = OPTIONAL
ALLOW_ADMINISTRATOR = $(1:condor)@* condor@password $(2:root@*) $(3+)
ALLOW_DAEMON = $(1:condor)@*  condor@password
ALLOW_NEGOTIATOR = $(1:condor)@* condor@password
ALLOW_WRITE = *
ALLOW_READ = *`,
	"RECOMMENDED": `use security:recommended_v24_0($(1+))`,
	"FIPS": `FIPS = True
use security:strong
SEC_DEFAULT_CRYPTO_METHODS = AES,3DES`,
}

// knownTemplates are HTCondor's other metaknobs (param_info.in). They set
// policies, roles and features that do not touch token trust; they are
// recorded as used but not expanded. A name in neither list is unknown, and
// HTCondor refuses a config that uses it.
var knownTemplates = map[string][]string{
	"FEATURE": {"POLICY_EXPR_FRAGMENTS", "POLICY_HOURS_TO_START", "TESTINGMODE_POLICY_VALUES", "UWCS_DESKTOP_POLICY_VALUES",
		"ASSIGNACCOUNTINGGROUP", "ASSIGNPROJECTNAME", "SETJOBATTRFROMUSERMAP", "SCHEDDUSERMAPFILE", "REMOTE_RUNTIME_CONFIG",
		"REMOTE_CONFIG", "GPUS", "MONITOR", "GPUSMONITOR", "PELICANCACHE", "PARTITIONABLESLOT", "STATICSLOTS", "ONESHOTCRONHOOK",
		"PERIODICCRONHOOK", "CONTINUOUSCRONHOOK", "STARTDCRONPERIODIC", "SCHEDDCRONPERIODIC", "STARTDCRONONESHOT",
		"SCHEDDCRONONESHOT", "STARTDCRONCONTINUOUS", "SCHEDDCRONCONTINUOUS", "CHILDCOLLECTOR", "LIBRARIAN", "KRB", "OAUTH",
		"ADSTASH", "COMMONCLOUDATTRIBUTESGOOGLE", "JOBSHAVEINSTANCEIDS", "COMMONCLOUDATTRIBUTESAWS", "HPC_ANNEX",
		"PELICANRETRYPOLICY", "GANGLIA", "DEFAULTCHECKPOINTDESTINATION"},
	"POLICY": {"DESKTOP", "DESKTOP_IDLE", "DESKTOP_HOURS", "ALWAYS_RUN_JOBS", "UWCS_DESKTOP", "LIMIT_JOB_RUNTIMES",
		"PREEMPT_IF_RUNTIME_EXCEEDS", "HOLD_IF_RUNTIME_EXCEEDS", "STARTD_PUBLISH_CPUSUSAGE", "PREEMPT_IF_CPUS_EXCEEDED",
		"HOLD_IF_CPUS_EXCEEDED", "PREEMPT_IF_DISK_EXCEEDED", "HOLD_IF_DISK_EXCEEDED", "PREEMPT_IF_MEMORY_EXCEEDED",
		"HOLD_IF_MEMORY_EXCEEDED", "PREEMPT_IF", "WANT_HOLD_IF", "ONLYREGISTEREDCHECKPOINTDESTINATIONS"},
	"ROLE":         {"PERSONAL", "EXECUTE", "SUBMIT", "CENTRALMANAGER", "GET_HTCONDOR_CENTRAL_MANAGER", "GET_HTCONDOR_SUBMIT", "GET_HTCONDOR_EXECUTE"},
	"EXPERIMENTAL": {"COLLECTORNODE", "HAD", "HADSHAREDPORT", "HADFIXEDPORT", "HADREPLICATION"},
	"UPGRADE":      {"DISCARD", "DISCARDX", "DISCARDIF", "DISCARDIFX", "DISCARD_VMWARE"},
}

// template returns a metaknob's body, whether HTCondor knows it, and
// whether this package expands it. Names are case-insensitive.
func template(category, name string) (body string, known, expanded bool) {
	category, name = strings.ToUpper(category), strings.ToUpper(name)
	if category == "SECURITY" {
		if b, ok := securityTemplates[name]; ok {
			return b, true, true
		}
		return "", false, false
	}
	for _, n := range knownTemplates[category] {
		if n == name {
			return "", true, false
		}
	}
	return "", false, false
}
