# mailoauth — build, test and demo. `make test` is the one test command
# (README.md); .ci/run calls it on a fresh machine.
SHELL := /bin/bash
VERSION := $(shell sed -n 's/^ *Version *= *"\(.*\)"/\1/p' FyneApp.toml)
LDFLAGS := -X mailoauth/core/version.Version=$(VERSION)
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2
export LANG ?= C.UTF-8

.PHONY: all build test deps lint unit fuzz keyring-e2e integration gui-smoke windows wine-smoke demo clean

all: build

deps:
	scripts/install-deps.sh
	go mod download

build: deps
	mkdir -p bin
	go build -ldflags "$(LDFLAGS)" -o bin/mailoauth ./cmd/mailoauth
	CGO_ENABLED=0 go build -ldflags "$(LDFLAGS)" -o bin/mailoauth-cli ./cmd/mailoauth-cli

lint:
	@bad=$$(gofmt -l cmd core ui assets scripts); if [ -n "$$bad" ]; then echo "gofmt needed: $$bad"; exit 1; fi
	go vet ./...
	go run $(STATICCHECK) ./...
	# The core must keep compiling for Windows and macOS (keyring, file
	# locks, locale); the window and main need cgo there, so `make windows`
	# compiles them (vetting them with cgo would compile OpenGL twice).
	GOOS=windows go vet ./core/...
	GOOS=darwin go vet ./core/...
	GOOS=windows CGO_ENABLED=0 go vet ./scripts/...

unit:
	go test -race -count=1 ./...

# Every parser of outside input fuzzed for a short fixed time, one target
# after another (about 3 minutes; FUZZTIME=30s for longer).
fuzz:
	scripts/fuzz.sh

# The end-to-end CLI tests and the real-keyring tests run inside a private
# D-Bus session with an unlocked gnome-keyring (scripts/with-keyring.sh).
keyring-e2e:
	scripts/with-keyring.sh go test -race -count=1 -tags 'keyring e2e' ./core/secret/ ./cmd/mailoauth/
	scripts/with-keyring.sh --locked go test -count=1 -tags keyring -run TestRealKeyring ./core/secret/

# The mailoauth CLI against real Dovecot and Postfix on loopback (needs root:
# the servers drop privileges themselves), plus the keyring edge cases.
integration: deps
	scripts/with-keyring.sh go test -count=1 -v -tags integration -run 'TestRealServers|TestRecipes|TestKeyringMissing' ./cmd/mailoauth/
	scripts/with-keyring.sh --locked go test -count=1 -v -tags integration -run TestKeyringLocked ./cmd/mailoauth/

# The real binary's demo under Xvfb: window, wizard, lights, screenshots.
gui-smoke: deps
	scripts/gui-smoke.sh /tmp/mailoauth-gui-smoke

# mailoauth.exe (GUI) and mailoauth-cli.exe (console) for windows/amd64 in
# dist/windows, cross compiled with mingw-w64; signed when MAILOAUTH_SIGN_PFX
# is set (README, Windows).
windows: deps
	scripts/windows/build.sh dist/windows

# The Windows build under Wine + Xvfb: CLI, Credential Manager, sign-in and
# checks against the sandbox, the window, the no-OpenGL message box, signing.
wine-smoke: windows
	scripts/windows/wine-smoke.sh dist/windows /tmp/mailoauth-wine-smoke

test: deps lint unit fuzz keyring-e2e integration gui-smoke wine-smoke

demo: build
	bin/mailoauth demo

clean:
	rm -rf bin dist
