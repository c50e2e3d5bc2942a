package secret

import (
	"context"
	"sync"
)

// Memory is an in-process Store for unit tests and the demo. With MaxValue
// set it refuses longer entries the way Windows does, and the same splitting
// as the OS keyring then applies — so splitting is tested on every OS.
type Memory struct {
	once     sync.Once
	sp       splitter
	MaxValue int
	mem      *memBackend
}

type memBackend struct {
	mu  sync.Mutex
	m   map[string]string
	max int
}

func (b *memBackend) get(service, user string) (string, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	v, ok := b.m[service+"\x00"+user]
	if !ok {
		return "", ErrNotFound
	}
	return v, nil
}

func (b *memBackend) set(service, user, value string) error {
	if b.max > 0 && len(value) > b.max {
		return problem("secret.too_large", nil)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.m[service+"\x00"+user] = value
	return nil
}

func (b *memBackend) del(service, user string) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	k := service + "\x00" + user
	if _, ok := b.m[k]; !ok {
		return ErrNotFound
	}
	delete(b.m, k)
	return nil
}

func (m *Memory) init() {
	m.once.Do(func() {
		m.mem = &memBackend{m: map[string]string{}, max: m.MaxValue}
		chunk := m.MaxValue
		if chunk <= 0 {
			chunk = 1 << 30
		}
		m.sp = splitter{b: m.mem, service: Service, chunk: chunk}
	})
}

// Get returns the secret under key, or ErrNotFound.
func (m *Memory) Get(_ context.Context, key string) (string, error) {
	m.init()
	return m.sp.get(key)
}

// Set stores value.
func (m *Memory) Set(_ context.Context, key, value string) error {
	m.init()
	return m.sp.set(key, value)
}

// Delete removes key.
func (m *Memory) Delete(_ context.Context, key string) error {
	m.init()
	return m.sp.del(key)
}

// Entries is the number of raw entries held (tests look at the splitting).
func (m *Memory) Entries() int {
	m.init()
	m.mem.mu.Lock()
	defer m.mem.mu.Unlock()
	return len(m.mem.m)
}

// Values returns every raw value (tests scan them).
func (m *Memory) Values() []string {
	m.init()
	m.mem.mu.Lock()
	defer m.mem.mu.Unlock()
	var out []string
	for _, v := range m.mem.m {
		out = append(out, v)
	}
	return out
}
