package cli

import (
	"strings"

	"mailoauth/core/status"
)

// flagSpec says which flags a command knows and whether each takes a value.
// Flags and positional arguments may be mixed in any order, and global flags
// may stand before or after the sub-command: scripts and people write both.
type flagSpec map[string]bool

// parsed is the result of splitting a command line.
type parsed struct {
	pos   []string
	vals  map[string]string
	bools map[string]bool
	// all keeps every value of a flag given more than once (vals keeps
	// the last), for flags that take several (account add --mailbox).
	all map[string][]string
}

func (p *parsed) str(name string) string { return p.vals[name] }

var globalFlags = flagSpec{"config-dir": true, "lang": true, "verbose": false, "json": false, "help": false, "h": false}

// parseArgs splits args by spec (plus the global flags). "--" ends flags.
func parseArgs(args []string, spec flagSpec) (*parsed, *status.Problem) {
	p := &parsed{vals: map[string]string{}, bools: map[string]bool{}, all: map[string][]string{}}
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			p.pos = append(p.pos, args[i+1:]...)
			break
		}
		if !strings.HasPrefix(a, "-") || a == "-" {
			p.pos = append(p.pos, a)
			continue
		}
		name := strings.TrimLeft(a, "-")
		val, hasVal := "", false
		if eq := strings.IndexByte(name, '='); eq >= 0 {
			name, val, hasVal = name[:eq], name[eq+1:], true
		}
		takes, known := spec[name]
		if !known {
			takes, known = globalFlags[name]
		}
		if !known {
			return nil, status.New(status.Red, "cli.unknown_flag", "flag", "--"+name)
		}
		if !takes {
			if hasVal {
				return nil, status.New(status.Red, "cli.flag_no_value", "flag", "--"+name)
			}
			p.bools[name] = true
			continue
		}
		if !hasVal {
			if i+1 >= len(args) {
				return nil, status.New(status.Red, "cli.flag_needs_value", "flag", "--"+name)
			}
			i++
			val = args[i]
		}
		p.vals[name] = val
		p.all[name] = append(p.all[name], val)
	}
	return p, nil
}
