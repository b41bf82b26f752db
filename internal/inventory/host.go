package inventory

// HostFacts is what runs on a host and which software versions are
// installed: the systemd units of the grid services, with the environment
// systemd gives them, and the installed packages.
//
// Environment values are kept as the host sets them, because services
// resolve ${VAR} in their configuration from them; they may hold secrets
// (passwords, tokens). Every output that renders HostFacts must scrub
// them (internal/output scrubs every string it writes).
type HostFacts struct {
	Units    []Unit    `json:"units"`
	Packages []Package `json:"packages"`
	Problems []Problem `json:"problems,omitempty"`
}

// Unit states, in the words of `systemctl is-enabled`.
const (
	UnitEnabled        = "enabled"         // a .wants/ or .requires/ link under /etc starts it
	UnitEnabledRuntime = "enabled-runtime" // the same, under /run: gone after a reboot
	UnitStatic         = "static"          // no [Install] section: started only as a dependency
	UnitIndirect       = "indirect"        // not enabled itself, but an instance or Also= unit is
	UnitDisabled       = "disabled"        // can be enabled, is not
	UnitMasked         = "masked"          // linked to /dev/null (or empty): cannot start at all
	UnitMaskedRuntime  = "masked-runtime"  // masked under /run
	UnitGenerated      = "generated"       // written by a generator at boot
	UnitNotFound       = "not-found"       // no unit file
)

// Unit is one systemd unit (a service, or an instance of a template) as
// systemd would load it on the host.
type Unit struct {
	// Name is the unit name asked for ("xrootd@clustered.service").
	Name string `json:"name"`
	// File is the unit file systemd loads for it ("" when none); for an
	// instance it is usually the template's file.
	File string `json:"file,omitempty"`
	// DropIns are the drop-in files applied, in the order systemd applies
	// them (later ones override earlier ones).
	DropIns []string `json:"drop_ins,omitempty"`
	// State is what `systemctl is-enabled` says (the Unit* constants).
	State string `json:"state"`
	// Enabled is true when a link in a .wants/ or .requires/ directory
	// starts the unit at boot (State enabled or enabled-runtime).
	Enabled bool `json:"enabled"`
	// EnabledBy are the links that enable it.
	EnabledBy []string `json:"enabled_by,omitempty"`
	// Masked is true when the unit cannot be started at all; MaskedBy is
	// the /dev/null link or empty file that masks it.
	Masked   bool   `json:"masked"`
	MaskedBy string `json:"masked_by,omitempty"`
	// Preset is what the distribution's preset files say for the unit
	// ("enable", "disable" or "ignore"; "enable" when no rule matches, as
	// in systemd); PresetSource is the rule's file:line, zero then.
	Preset       string `json:"preset"`
	PresetSource Source `json:"preset_source"`
	// Env is the environment systemd builds for the unit's processes from
	// Environment= and EnvironmentFile= (not the manager's own defaults),
	// sorted by name; every value with where it was set. Values may be
	// secrets: outputs must scrub them.
	// Never rendered: an environment value may be a password.
	Env []EnvVar `json:"-"`
	// EnvFiles are the EnvironmentFile= entries in effect, in order.
	EnvFiles []EnvFile `json:"env_files,omitempty"`
	// Problems are what keeps the unit from loading or starting as
	// written, or what systemd ignores in it.
	Problems []Problem `json:"problems,omitempty"`
}

// Var returns the variable of the unit's environment with the given name.
func (u Unit) Var(name string) (EnvVar, bool) {
	for _, v := range u.Env {
		if v.Name == name {
			return v, true
		}
	}
	return EnvVar{}, false
}

// LoadsEnvFile reports whether the unit reads the environment file at
// host path p (directly or through a glob).
func (u Unit) LoadsEnvFile(p string) bool {
	for _, f := range u.EnvFiles {
		for _, m := range f.Loaded {
			if m == p {
				return true
			}
		}
	}
	return false
}

// EnvVar is one variable of a unit's environment. Value may be a secret.
type EnvVar struct {
	Name  string `json:"name"`
	Value string `json:"value"`
	// Source is the Environment= line or the environment file's line.
	Source Source `json:"source"`
}

// EnvFile is one EnvironmentFile= entry of a unit.
type EnvFile struct {
	// Path is the path as written (specifiers expanded), possibly a glob.
	Path string `json:"path"`
	// Optional is true for "-/path": a missing file is no error.
	Optional bool `json:"optional"`
	// Loaded are the files read for it (the glob's matches).
	Loaded []string `json:"loaded,omitempty"`
	// Missing is true when no file matched: the unit fails to start
	// unless Optional.
	Missing bool `json:"missing,omitempty"`
	// Source is the EnvironmentFile= line.
	Source Source `json:"source"`
}

// Package managers.
const (
	ManagerDpkg = "dpkg"
	ManagerRPM  = "rpm"
)

// Package is one installed package.
type Package struct {
	Name string `json:"name"`
	// Version is the full version as the package manager compares it:
	// dpkg's [epoch:]upstream[-revision], rpm's [epoch:]version-release.
	Version string `json:"version"`
	Arch    string `json:"arch,omitempty"`
	// Manager is ManagerDpkg or ManagerRPM.
	Manager string `json:"manager"`
	// SourcePackage is the source package it was built from (dpkg's
	// Source field, rpm's source RPM), when recorded.
	SourcePackage string `json:"source_package,omitempty"`
	// Source is where it is recorded: the status file line of its stanza,
	// or the RPM database file.
	Source Source `json:"source"`
}

// Package returns the installed packages of the given name (one per
// architecture).
func (h HostFacts) Package(name string) []Package {
	var out []Package
	for _, p := range h.Packages {
		if p.Name == name {
			out = append(out, p)
		}
	}
	return out
}

// Unit returns the unit with the given name.
func (h HostFacts) Unit(name string) (Unit, bool) {
	for _, u := range h.Units {
		if u.Name == name {
			return u, true
		}
	}
	return Unit{}, false
}

// Component is an installed release of software a service runs (the
// service itself, or a library it loads: EOS runs XRootD's plugins).
type Component struct {
	// Name is the component ("xrootd", "eos", "htcondor-ce").
	Name string `json:"name"`
	// Version is the package's version as its manager records it.
	Version string `json:"version"`
	Package string `json:"package"`
	Manager string `json:"manager"`
	Source  Source `json:"source"`
}

// What systemd does with a service, in Service.Runs.
const (
	RunsEnabled  = "enabled"  // a unit of it starts at boot
	RunsDisabled = "disabled" // its units exist but none is enabled
	RunsMasked   = "masked"   // its units are masked: it cannot start
	RunsUnknown  = "unknown"  // the host holds no unit for it: judged as running
)
