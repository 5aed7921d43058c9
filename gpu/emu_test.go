package gpu

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"unsafe"

	"goft/run"
	"goft/suite"
)

// emuDevice runs the embedded CUDA kernels on the CPU: testdata/emu.cpp,
// compiled with the kernels by the host C++ compiler, executes every
// launch with one coroutine per GPU thread. It checks the kernels' own
// arithmetic and indexing where no GPU is available (the fake device only
// checks the launches). Allocation bounds are checked as by fakeDevice.
type emuDevice struct {
	fake  *fakeDevice // bounds and launch checks
	cmd   *exec.Cmd
	in    *bufio.Writer
	inRaw io.WriteCloser
	out   *bufio.Reader
	addr  map[devPtr]uint64 // fake address -> emulator address
	inf   Info
}

var (
	emuOnce sync.Once
	emuBin  string
	emuErr  error
)

// buildEmulator compiles testdata/emu.cpp with the kernels (once per test
// binary); it returns "" and an error when no C++17 compiler is found.
func buildEmulator() (string, error) {
	emuOnce.Do(func() {
		cxx, err := exec.LookPath("g++")
		if err != nil {
			if cxx, err = exec.LookPath("clang++"); err != nil {
				emuErr = fmt.Errorf("no C++ compiler (g++ or clang++)")
				return
			}
		}
		dir, err := os.MkdirTemp("", "goft-gpu-emu")
		if err != nil {
			emuErr = err
			return
		}
		src := kernelSource()
		var list strings.Builder
		names := regexp.MustCompile(`extern "C" __global__ void (\w+)\(`).FindAllStringSubmatch(src, -1)
		for _, n := range names {
			fmt.Fprintf(&list, " K(%s)", n[1])
		}
		inc := src + "\n#define EMU_KERNELS" + list.String() + "\n"
		if err := os.WriteFile(filepath.Join(dir, "kernels_all.inc"), []byte(inc), 0o644); err != nil {
			emuErr = err
			return
		}
		main, err := os.ReadFile("testdata/emu.cpp")
		if err != nil {
			emuErr = err
			return
		}
		if err := os.WriteFile(filepath.Join(dir, "emu.cpp"), main, 0o644); err != nil {
			emuErr = err
			return
		}
		bin := filepath.Join(dir, "emu")
		out, err := exec.Command(cxx, "-std=c++17", "-O1", "-ffp-contract=off", "-fno-fast-math", "-w",
			"-o", bin, filepath.Join(dir, "emu.cpp")).CombinedOutput()
		if err != nil {
			emuErr = fmt.Errorf("compiling the emulator: %v\n%s", err, out)
			return
		}
		emuBin = bin
	})
	return emuBin, emuErr
}

func newEmuDevice() (*emuDevice, error) {
	bin, err := buildEmulator()
	if err != nil {
		return nil, err
	}
	fd, err := newFakeDevice()
	if err != nil {
		return nil, err
	}
	e := &emuDevice{fake: fd, addr: map[devPtr]uint64{}, inf: Info{Name: "CPU emulator"}}
	e.cmd = exec.Command(bin)
	if e.inRaw, err = e.cmd.StdinPipe(); err != nil {
		return nil, err
	}
	stdout, err := e.cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	e.cmd.Stderr = os.Stderr
	if err := e.cmd.Start(); err != nil {
		return nil, err
	}
	e.in, e.out = bufio.NewWriter(e.inRaw), bufio.NewReader(stdout)
	return e, nil
}

func (e *emuDevice) put(vs ...any) {
	for _, v := range vs {
		switch x := v.(type) {
		case byte:
			e.in.WriteByte(x)
		case uint32:
			binary.Write(e.in, binary.LittleEndian, x)
		case uint64:
			binary.Write(e.in, binary.LittleEndian, x)
		case []byte:
			e.in.Write(x)
		default:
			panic(fmt.Sprintf("emu put %T", v))
		}
	}
}

func (e *emuDevice) status() error {
	if err := e.in.Flush(); err != nil {
		return err
	}
	s, err := e.out.ReadByte()
	if err != nil {
		return fmt.Errorf("emulator: %v", err)
	}
	if s == 0 {
		return nil
	}
	var n uint32
	binary.Read(e.out, binary.LittleEndian, &n)
	msg := make([]byte, n)
	io.ReadFull(e.out, msg)
	return fmt.Errorf("emulator: %s", msg)
}

// real maps a fake address (inside an allocation) to the emulator's.
func (e *emuDevice) real(p devPtr) uint64 {
	for base, b := range e.fake.mem {
		if p >= base && p < base+devPtr(len(b)) {
			return e.addr[base] + uint64(p-base)
		}
	}
	return 0
}

func (e *emuDevice) run(fn func() error) error { return fn() }
func (e *emuDevice) info() *Info               { return &e.inf }

func (e *emuDevice) close() {
	e.put(byte('Q'))
	e.in.Flush()
	e.inRaw.Close()
	e.cmd.Wait()
}

func (e *emuDevice) alloc(n int) (devPtr, error) {
	p, _ := e.fake.alloc(n)
	e.put(byte('A'), uint64(len(e.fake.mem[p])))
	if err := e.status(); err != nil {
		return 0, err
	}
	var a uint64
	if err := binary.Read(e.out, binary.LittleEndian, &a); err != nil {
		return 0, err
	}
	e.addr[p] = a
	return p, nil
}

func (e *emuDevice) free(p devPtr) {
	if a, ok := e.addr[p]; ok {
		e.put(byte('F'), a)
		e.status()
		delete(e.addr, p)
	}
	e.fake.free(p)
}

func (e *emuDevice) htod(dst devPtr, src unsafe.Pointer, n int) error {
	if _, err := e.fake.span(dst, n); err != nil {
		return err
	}
	e.put(byte('H'), e.real(dst), uint64(n), unsafe.Slice((*byte)(src), n))
	return e.status()
}

func (e *emuDevice) dtoh(dst unsafe.Pointer, src devPtr, n int) error {
	if _, err := e.fake.span(src, n); err != nil {
		return err
	}
	e.put(byte('D'), e.real(src), uint64(n))
	if err := e.status(); err != nil {
		return err
	}
	_, err := io.ReadFull(e.out, unsafe.Slice((*byte)(dst), n))
	return err
}

func (e *emuDevice) dtod(dst, src devPtr, n int) error {
	if _, err := e.fake.span(src, n); err != nil {
		return err
	}
	if _, err := e.fake.span(dst, n); err != nil {
		return err
	}
	e.put(byte('C'), e.real(dst), e.real(src), uint64(n))
	return e.status()
}

func (e *emuDevice) launch(name string, gx, gy, threads int, bytes float64, args ...any) error {
	if err := e.fake.launch(name, gx, gy, threads, bytes, args...); err != nil {
		return err
	}
	var g geo
	slots := make([]byte, 0, 8*len(args))
	for _, a := range args {
		var v uint64
		switch x := a.(type) {
		case devPtr:
			if x != 0 {
				v = e.real(x)
			}
		case float64:
			v = math.Float64bits(x)
		case int:
			v = uint64(x)
		case int64:
			v = uint64(x)
		case uint64:
			v = x
		case *geo:
			g = *x
			for q := 5; q < len(g); q++ {
				g[q] = e.real(devPtr(g[q]))
			}
		}
		slots = binary.LittleEndian.AppendUint64(slots, v)
	}
	gb := make([]byte, 0, 8*len(g))
	for _, v := range g {
		gb = binary.LittleEndian.AppendUint64(gb, v)
	}
	// Coroutines are costly: blocks of more than 256 threads (the pole-sum
	// kernels, whose loops stride by blockDim) run with 256.
	threads = min(threads, 256)
	e.put(byte('L'), uint32(len(name)), []byte(name), uint32(gx), uint32(gy), uint32(threads), uint32(len(args)), slots, gb)
	return e.status()
}

// TestEmulatedMatchesCPU runs the small cases with the kernels executed by
// the CPU emulator and compares with the CPU backend as the device test
// does. It skips when no C++ compiler is found (set GOFT_GPU_EMU=0 to skip
// it anyway).
func TestEmulatedMatchesCPU(t *testing.T) {
	if os.Getenv("GOFT_GPU_EMU") == "0" {
		t.Skip("GOFT_GPU_EMU=0")
	}
	if testing.Short() {
		t.Skip("emulated kernel runs skipped in -short mode")
	}
	if _, err := buildEmulator(); err != nil {
		t.Skipf("kernel emulator unavailable, test skipped: %v", err)
	}
	names := make([]string, 0, len(testCases))
	for n := range testCases {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			be := func(s *run.BackendSetup) (run.Backend, error) {
				e, err := newEmuDevice()
				if err != nil {
					return nil, err
				}
				b, err := newBackend(e, s)
				if err != nil {
					e.close()
				}
				return b, err
			}
			cpuDir, cf, p := runCaseWith(t, name+"_cpu", testCases[name], nil)
			emuDir, gf, _ := runCaseWith(t, name+"_emu", testCases[name], be)
			diff, scale, same := 0.0, 0.0, true
			for i := range cf {
				if cf[i] != gf[i] {
					same = false
				}
				diff = math.Max(diff, math.Abs(cf[i]-gf[i]))
				scale = math.Max(scale, math.Abs(cf[i]))
			}
			rel := diff / math.Max(scale, math.SmallestNonzeroFloat64)
			ms, err := suite.CompareRuns(cpuDir, emuDir, p.NRealizations, 5)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%-28s field max rel diff %.2e (bit-identical %v); rule mismatches %d", name, rel, same, len(ms))
			if !(rel <= 1e-12) {
				t.Errorf("final field differs from the CPU's by %.3e relative", rel)
			}
			for _, m := range ms {
				t.Errorf("history: %v", m)
			}
		})
	}
}
