package gpu

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
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

	"github.com/goft-sft/goft/hipft/run"
	"github.com/goft-sft/goft/internal/testenv"
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
	// dtohBytes counts the bytes copied to the host, by copy size;
	// dtohFrom the copies to the host by source address.
	dtohBytes map[int]int
	dtohFrom  map[devPtr]int
	// field and kept are the backend's field and its copy kept before the
	// last step (set by emuFactory).
	field  *devPtr
	kept   *devPtr
	stderr bytes.Buffer // the emulator's messages, read once it has ended
}

// emuBuilds are the emulators built by this test binary, by shape.
var (
	emuMu     sync.Mutex
	emuBuilds = map[stsShape]emuBuild{}
)

type emuBuild struct {
	bin  string
	note string // how it was built, when not as asked
	err  error
}

// emuSanitizers are the compiler options that make the emulator stop with
// a report at the first out-of-bounds access to device or shared memory
// (AddressSanitizer) or undefined behaviour such as an integer index
// overflow (UndefinedBehaviorSanitizer) in a kernel.
var emuSanitizers = []string{"-fsanitize=address,undefined", "-fno-sanitize-recover=undefined", "-fno-omit-frame-pointer", "-g"}

// buildEmulator compiles testdata/emu.cpp with the kernels for the blocked
// stages' shape (once per shape and test binary). With the long tests
// (GOFT_LONG_TESTS=1, as in CI) it is built with emuSanitizers, unless
// GOFT_GPU_EMU_SANITIZE=0 or the compiler cannot build them (note then
// says so); GOFT_GPU_EMU_SANITIZE=1 asks for them in any case. It returns
// an error when no C++17 compiler is found.
func buildEmulator(shape stsShape) (emuBuild, error) {
	emuMu.Lock()
	defer emuMu.Unlock()
	if b, ok := emuBuilds[shape]; ok {
		return b, b.err
	}
	var b emuBuild
	switch sanitize := os.Getenv("GOFT_GPU_EMU_SANITIZE"); {
	case sanitize == "0":
		b.note = "emulator built without sanitizers (GOFT_GPU_EMU_SANITIZE=0)"
		b.bin, b.err = compileEmulator(shape, nil)
	case sanitize != "1" && !testenv.Long():
		b.note = "emulator built without sanitizers (set " + testenv.LongVar + "=1 or GOFT_GPU_EMU_SANITIZE=1 for AddressSanitizer and UBSan)"
		b.bin, b.err = compileEmulator(shape, nil)
	default:
		if b.bin, b.err = compileEmulator(shape, emuSanitizers); b.err != nil {
			b.note = fmt.Sprintf("emulator built without sanitizers, which failed: %v", b.err)
			b.bin, b.err = compileEmulator(shape, nil)
		}
	}
	emuBuilds[shape] = b
	return b, b.err
}

func compileEmulator(shape stsShape, extra []string) (string, error) {
	return compileEmuSource(shape, "emu.cpp", "emu", extra)
}

// compileEmuSource compiles testdata/<main> (emu.cpp, or a file that
// includes it) with the kernels for shape and options extra into <out>,
// and returns its path. The result is kept in the user's cache folder
// (goft-gpu-emu/<key>, see emuCacheDir), keyed by the SHA-256 of the
// compiler's identity, the options and every source byte, so a later test
// run with the same kernels reuses it instead of compiling again (tens of
// seconds); a changed kernel, emulator or compiler gets a new key.
func compileEmuSource(shape stsShape, main, out string, extra []string) (string, error) {
	cxx, err := exec.LookPath("g++")
	if err != nil {
		if cxx, err = exec.LookPath("clang++"); err != nil {
			return "", errNoCXX
		}
	}
	src := kernelSource()
	var list strings.Builder
	names := regexp.MustCompile(`extern "C" __global__ void (\w+)\(`).FindAllStringSubmatch(src, -1)
	for _, n := range names {
		fmt.Fprintf(&list, " K(%s)", n[1])
	}
	files := map[string][]byte{"kernels_all.inc": []byte(src + "\n#define EMU_KERNELS" + list.String() + "\n")}
	for _, name := range []string{"emu.cpp", main} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			return "", err
		}
		files[name] = b
	}
	args := append([]string{"-std=c++17", "-O1", "-ffp-contract=off", "-fno-fast-math", "-w"}, extra...)
	args = append(args, shape.defines()...)

	version, err := exec.Command(cxx, "--version").Output()
	if err != nil {
		return "", fmt.Errorf("%s --version: %v", cxx, err)
	}
	key := sha256.New()
	fmt.Fprintf(key, "%s\x00%s\x00%q\x00%s\x00%s\x00", cxx, version, args, main, out)
	for _, name := range []string{"kernels_all.inc", "emu.cpp", main} {
		fmt.Fprintf(key, "%s\x00%d\x00", name, len(files[name]))
		key.Write(files[name])
	}
	cacheRoot, cached := emuCacheDir()
	var dir string
	if cached {
		dir = filepath.Join(cacheRoot, hex.EncodeToString(key.Sum(nil))[:32])
		if _, err := os.Stat(filepath.Join(dir, out)); err == nil {
			return filepath.Join(dir, out), nil
		}
	}

	// Compile in a new folder; with a cache, rename it into place when done
	// (atomic: a concurrent test binary sees the whole build or none).
	tmp, err := os.MkdirTemp(cacheRoot, "goft-gpu-emu")
	if err != nil {
		return "", err
	}
	if !cached {
		emuDirsMu.Lock()
		emuDirs = append(emuDirs, tmp)
		emuDirsMu.Unlock()
	}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(tmp, name), b, 0o644); err != nil {
			return "", err
		}
	}
	bin := filepath.Join(tmp, out)
	msg, err := exec.Command(cxx, append(args, "-o", bin, filepath.Join(tmp, main))...).CombinedOutput()
	if err != nil {
		os.RemoveAll(tmp)
		return "", fmt.Errorf("compiling %s (%s %s): %v\n%s", main, filepath.Base(cxx), strings.Join(extra, " "), err, msg)
	}
	if !cached {
		return bin, nil
	}
	if err := os.Rename(tmp, dir); err != nil {
		os.RemoveAll(tmp) // another test binary got there first: use its build
		if _, serr := os.Stat(filepath.Join(dir, out)); serr != nil {
			return "", fmt.Errorf("caching the emulator build: %v", err)
		}
	}
	return filepath.Join(dir, out), nil
}

// emuCacheDir returns the folder that keeps compiled emulators between test
// runs: $GOFT_GPU_EMU_CACHE, else goft-gpu-emu in the user's cache folder
// (os.UserCacheDir). cached is false, and dir is "" (the system temporary
// folder, cleaned by TestMain), when GOFT_GPU_EMU_CACHE=off or no cache
// folder can be made.
func emuCacheDir() (dir string, cached bool) {
	dir = os.Getenv("GOFT_GPU_EMU_CACHE")
	if dir == "off" {
		return "", false
	}
	if dir == "" {
		base, err := os.UserCacheDir()
		if err != nil {
			return "", false
		}
		dir = filepath.Join(base, "goft-gpu-emu")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", false
	}
	return dir, true
}

// emuDirs are the folders compileEmuSource made; TestMain removes them.
var (
	emuDirsMu sync.Mutex
	emuDirs   []string
)

// TestMain runs the tests, then removes the emulators' build folders.
func TestMain(m *testing.M) {
	code := m.Run()
	emuDirsMu.Lock()
	for _, d := range emuDirs {
		os.RemoveAll(d)
	}
	emuDirsMu.Unlock()
	os.Exit(code)
}

// errNoCXX is compileEmuSource's error when there is no C++ compiler.
var errNoCXX = errors.New("no C++ compiler (g++ or clang++)")

// emuOrder is the emulator's schedule (testdata/emu.cpp): the blocks of a
// grid, and the threads of a block between barriers, run in a pseudo-random
// order (seed 1) unless GOFT_GPU_EMU_ORDER says otherwise (forward,
// reverse, shuffle:SEED). Index order would hide a race in which a lower
// thread or block writes what a higher one reads.
func emuOrder() string {
	if v := os.Getenv("GOFT_GPU_EMU_ORDER"); v != "" {
		return v
	}
	return "shuffle:1"
}

// newEmuDevice starts an emulator whose kernels are compiled for shape,
// with schedule order (emuOrder).
func newEmuDevice(shape stsShape, order string) (*emuDevice, error) {
	b, err := buildEmulator(shape)
	if err != nil {
		return nil, err
	}
	fd, err := newFakeDevice()
	if err != nil {
		return nil, err
	}
	e := &emuDevice{fake: fd, addr: map[devPtr]uint64{}, inf: Info{Name: "CPU emulator (" + order + ")", shape: shape}}
	e.cmd = exec.Command(b.bin, order)
	// Allocations left at the end are the backend's to free, not leaks to report.
	e.cmd.Env = append(os.Environ(), "ASAN_OPTIONS=detect_leaks=0")
	if e.inRaw, err = e.cmd.StdinPipe(); err != nil {
		return nil, err
	}
	stdout, err := e.cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	e.cmd.Stderr = &e.stderr
	if err := e.cmd.Start(); err != nil {
		return nil, err
	}
	e.in, e.out = bufio.NewWriter(e.inRaw), bufio.NewReader(stdout)
	e.put(byte('P')) // the emulator answers once it has read its schedule
	if err := e.status(); err != nil {
		return nil, fmt.Errorf("starting the emulator with schedule %q: %w", order, err)
	}
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
	// A failed write or read means that the emulator ended: say what it
	// wrote.
	ended := func(err error) error {
		e.cmd.Wait()
		return fmt.Errorf("emulator: %v: %s", err, strings.TrimSpace(e.stderr.String()))
	}
	if err := e.in.Flush(); err != nil {
		return ended(err)
	}
	s, err := e.out.ReadByte()
	if err != nil {
		return ended(err)
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

func (e *emuDevice) run(call func(*backend) error, b *backend) error { return call(b) }
func (e *emuDevice) info() *Info                                     { return &e.inf }

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
	if e.dtohBytes == nil {
		e.dtohBytes = map[int]int{}
	}
	e.dtohBytes[n]++
	if e.dtohFrom == nil {
		e.dtohFrom = map[devPtr]int{}
	}
	e.dtohFrom[src]++
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

func (e *emuDevice) launch(name string, gx, gy, threads int, bytes float64, a *kernelArgs) error {
	if err := e.fake.launch(name, gx, gy, threads, bytes, a); err != nil {
		return err
	}
	var g geo
	slots := make([]byte, 0, 8*a.n)
	for i := 0; i < a.n; i++ {
		v := a.slots[i]
		switch a.kinds[i] {
		case 'p':
			if v != 0 {
				v = e.real(devPtr(v))
			}
		case 'g':
			g = *a.geo
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
	e.put(byte('L'), uint32(len(name)), []byte(name), uint32(gx), uint32(gy), uint32(threads), uint32(a.n), slots, gb)
	return e.status()
}

// TestEmulatedMatchesCPU runs every small case (deviceCases) with the
// kernels executed by the CPU emulator and compares with the CPU backend as
// the device test does; the field must also stay on the device (copied to
// the host for the final map only; its copy kept before the last step for
// the finished run's checkpoint). It skips when no C++ compiler is found
// (set GOFT_GPU_EMU=0 to skip it anyway).
func TestEmulatedMatchesCPU(t *testing.T) {
	needEmulator(t)
	for _, c := range deviceCases(t) {
		if !testenv.Long() && !quickDeviceCases[c.name] {
			t.Logf("%s: set %s=1 to run it", c.name, testenv.LongVar)
			continue
		}
		t.Run(c.name, func(t *testing.T) {
			var emu *emuDevice
			compareWithCPU(t, c, "emu", emuFactory(Options{}, &emu))
			// Once, for the final map; the state kept on the device before
			// the last step (the finished run's checkpoint) once too.
			if got := emu.dtohFrom[*emu.field]; got > 1 {
				t.Errorf("the field was copied to the host %d times; it must stay on the device", got)
			}
			if got := emu.dtohFrom[*emu.kept]; got != 1 {
				t.Errorf("the field kept before the last step was copied to the host %d times, want once", got)
			}
			if c.kernel != "" && emu.fake.launches[c.kernel] == 0 {
				t.Errorf("%s was never launched", c.kernel)
			}
		})
	}
}

// TestEmulatorSchedules checks that the emulator's schedules do change
// the order in which threads run: emu_race_demo (testdata/emu.cpp), whose
// threads read a neighbour's shared slot without a barrier, must give the
// index-order result under "forward", the opposite under "reverse", and
// something else again under "shuffle:1". Every other emulated test runs
// the kernels under emuOrder's shuffled schedule and requires the CPU's
// bits, so a race between threads or blocks of a goft kernel fails it.
func TestEmulatorSchedules(t *testing.T) {
	needEmulator(t)
	const n = 256
	run := func(order string) []float64 {
		e, err := newEmuDevice(defaultSTSShape, order)
		if err != nil {
			t.Fatal(err)
		}
		defer e.close()
		out, err := e.alloc(8 * n)
		if err != nil {
			t.Fatal(err)
		}
		name := "emu_race_demo"
		slots := binary.LittleEndian.AppendUint64(nil, e.real(out))
		e.put(byte('L'), uint32(len(name)), []byte(name), uint32(1), uint32(1), uint32(n), uint32(1), slots, make([]byte, 8*len(geo{})))
		if err := e.status(); err != nil {
			t.Fatalf("%s: %v", order, err)
		}
		got := make([]float64, n)
		if err := e.dtoh(unsafe.Pointer(&got[0]), out, 8*n); err != nil {
			t.Fatal(err)
		}
		return got
	}
	fwd, rev, shuf := run("forward"), run("reverse"), run("shuffle:1")
	for i := range n {
		// Forward: thread i reads slot i+1 before thread i+1 writes it
		// (still 0), except the last, which reads slot 0 (1). Reverse: the
		// opposite.
		wantF, wantR := 0.0, float64(i+2)
		if i == n-1 {
			wantF, wantR = 1, 0
		}
		if fwd[i] != wantF || rev[i] != wantR {
			t.Fatalf("thread %d read %v (forward) and %v (reverse), want %v and %v", i, fwd[i], rev[i], wantF, wantR)
		}
	}
	same := func(a, b []float64) bool {
		for i := range a {
			if a[i] != b[i] {
				return false
			}
		}
		return true
	}
	if same(shuf, fwd) || same(shuf, rev) {
		t.Fatal("the shuffled schedule ran the threads in index order or its reverse")
	}
	_, err := newEmuDevice(defaultSTSShape, "sideways")
	if err == nil || !strings.Contains(err.Error(), "bad schedule") {
		t.Errorf("the schedule \"sideways\" gave error %v, want the emulator's \"bad schedule\"", err)
	}
}

// TestEmulatorBarrierGuard checks the emulator's plain-call mode: a kernel
// whose first launch reached no barrier runs its threads as plain calls
// afterwards, and if it then reaches a barrier (emu_barrier_later with 1)
// the emulator must stop and say so rather than run on.
func TestEmulatorBarrierGuard(t *testing.T) {
	needEmulator(t)
	e, err := newEmuDevice(defaultSTSShape, emuOrder())
	if err != nil {
		t.Fatal(err)
	}
	defer e.close()
	name := "emu_barrier_later"
	launch := func(sync uint64) error {
		e.put(byte('L'), uint32(len(name)), []byte(name), uint32(2), uint32(1), uint32(64), uint32(1),
			binary.LittleEndian.AppendUint64(nil, sync), make([]byte, 8*len(geo{})))
		return e.status()
	}
	if err := launch(0); err != nil {
		t.Fatal(err)
	}
	err = launch(1)
	if err == nil || !strings.Contains(err.Error(), "reached a barrier") {
		t.Fatalf("a barrier in plain-call mode gave %v, want the emulator to stop with \"reached a barrier\"", err)
	}
}

// TestEmulatedProductionMesh runs the production case's mesh (1024 x 512,
// two realizations, AFT flows, RKG2 diffusion with blocked stages, two
// steps) on the emulator and requires the CPU's bits: index arithmetic and
// bounds at full size, under the sanitizers. It takes about three minutes,
// so it runs only with GOFT_GPU_EMU_LARGE=1.
func TestEmulatedProductionMesh(t *testing.T) {
	if os.Getenv("GOFT_GPU_EMU_LARGE") != "1" {
		t.Skip("about three minutes: set GOFT_GPU_EMU_LARGE=1 to run it")
	}
	needEmulator(t)
	c := deviceCase{name: "production_mesh", exact: true, kernel: "diff_sts_block", body: `res_nt = 512
 res_np = 1024
 n_realizations = 2
 validation_run = 1
 time_end = 0.5
 dt_max = 0.25
 advance_flow = .true.
 flow_dr_model = 1
 flow_mf_model = 1
 advance_diffusion = .true.
 diffusion_coef_constants = 100.0, 300.0`}
	var emu *emuDevice
	compareWithCPU(t, c, "emu", emuFactory(Options{}, &emu))
	if emu.fake.launches[c.kernel] == 0 {
		t.Errorf("%s was never launched", c.kernel)
	}
}

// blockedCases are diffusion runs on meshes that give diff_sts_block
// several tiles in theta and phi (the default shape has 56 own rows and
// 24 own columns; with 39 ring columns both tiles meet the ring's closing,
// at different places), both STS methods, constant and varying
// coefficients and super steps of many stage counts (so that the last
// launch of a step has fewer stages than the others).
var blockedCases = map[string]string{
	"rkg2_tiles_3real": `res_nt = 120
 res_np = 60
 n_realizations = 3
 validation_run = 1
 time_end = 24.0
 dt_max = 12.0
 advance_diffusion = .true.
 diffusion_coef_constants = 150.0, 500.0, 900.0`,
	"rkl2_grid_two_phi_tiles": `res_nt = 70
 res_np = 40
 validation_run = 1
 time_end = 12.0
 dt_max = 6.0
 advance_diffusion = .true.
 diffusion_num_method = 2
 diffusion_coef_grid = .true.
 diffusion_coef_constant = 6000.0`,
	"rkg2_fixed_subcycles": `res_nt = 64
 res_np = 128
 n_realizations = 2
 validation_run = 1
 time_end = 24.0
 dt_max = 12.0
 advance_diffusion = .true.
 diffusion_subcycles = 2
 diffusion_coef_constants = 3000.0, 9000.0`,
}

// blockedConfigs are the shapes and stages per launch the blocked-stage
// test runs: the default shape (halo 4, 64 x 32 tiles) with 2, 3 and 4
// stages per launch, and two other shapes with as many stages as their
// halos.
var blockedConfigs = []struct {
	shape string
	per   int
}{{"", 2}, {"", 3}, {"", 4}, {"6,128x32", 6}, {"2,32x32", 2}}

// quickDeviceCases are the device cases TestEmulatedMatchesCPU runs without
// the long tests: every diffusion method, WENO3 with SSPRK(4,3) and the
// five source terms (the others, with assimilation, flows from files,
// attenuation and the other advection methods, run with
// GOFT_LONG_TESTS=1).
var quickDeviceCases = map[string]bool{
	"diffuse_fe_fixed": true, "diffuse_rkl2_fixed": true, "diffuse_rkg2_grid_coef": true,
	"diffuse_rkg2_auto_verbose": true, "advect_weno_ssprk43": true, "source_five_terms": true,
}

// TestEmulatedBlockedStagesAreBitIdentical runs the blocked STS stages
// (diff_sts_block, blockedConfigs) on the CPU emulator and requires the
// final field and the history files to be bit for bit those of one launch
// per stage (diff_pole_sums + diff_sts_stage).
func TestEmulatedBlockedStagesAreBitIdentical(t *testing.T) {
	testenv.SkipUnlessLong(t, "blocked stages in every configuration, about 40 s")
	needEmulator(t)
	names := make([]string, 0, len(blockedCases))
	for n := range blockedCases {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			runWith := func(o Options) (string, []float64, int) {
				var emu *emuDevice
				dir, f, _ := runCaseWith(t, fmt.Sprintf("%s_%d_%s", name, o.StagesPerLaunch, strings.ReplaceAll(o.STSShape, ",", "_")),
					blockedCases[name], emuFactory(o, &emu))
				return dir, f, emu.fake.launches["diff_sts_block"]
			}
			refDir, ref, n1 := runWith(Options{StagesPerLaunch: 1})
			if n1 != 0 {
				t.Fatalf("one stage per launch used diff_sts_block %d times", n1)
			}
			for _, c := range blockedConfigs {
				if c.shape != "" && !testenv.Long() {
					// Each other shape is an emulator build of its own.
					t.Logf("shape %q skipped: set %s=1 to run it", c.shape, testenv.LongVar)
					continue
				}
				label := fmt.Sprintf("shape %q, %d stages per launch", c.shape, c.per)
				dir, f, n := runWith(Options{StagesPerLaunch: c.per, STSShape: c.shape})
				if n == 0 {
					t.Fatalf("%s: diff_sts_block was never launched", label)
				}
				countBitDiffs(t, label+" against one", f, ref)
				hist, _ := filepath.Glob(filepath.Join(refDir, "hipft_history_*.out"))
				if len(hist) == 0 {
					t.Fatal("no history files")
				}
				for _, h := range hist {
					a, _ := os.ReadFile(h)
					b, err := os.ReadFile(filepath.Join(dir, filepath.Base(h)))
					if err != nil || string(a) != string(b) {
						t.Errorf("%s: %s differs (%v)", label, filepath.Base(h), err)
					}
				}
				t.Logf("%s: %d diff_sts_block launches, field and histories bit-identical", label, n)
			}
		})
	}
}

// needEmulator skips t when the kernel emulator cannot run: no C++
// compiler, -short, or GOFT_GPU_EMU=0.
func needEmulator(t *testing.T) {
	t.Helper()
	if os.Getenv("GOFT_GPU_EMU") == "0" {
		t.Skip("GOFT_GPU_EMU=0")
	}
	if testing.Short() {
		t.Skip("emulated kernel runs skipped in -short mode")
	}
	b, err := buildEmulator(defaultSTSShape)
	if errors.Is(err, errNoCXX) {
		t.Skipf("kernel emulator unavailable, test skipped: %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	if b.note != "" {
		t.Log(b.note)
	}
}

// emuFactory returns a backend factory on a new emulated device with
// opts; when dev is not nil, *dev receives the device (whose launch and
// copy counts outlive the backend).
func emuFactory(opts Options, dev **emuDevice) run.BackendFactory {
	return func(s *run.BackendSetup) (run.Backend, error) {
		shape, err := parseSTSShape(opts.STSShape)
		if err != nil {
			return nil, err
		}
		e, err := newEmuDevice(shape, emuOrder())
		if err != nil {
			return nil, err
		}
		if dev != nil {
			*dev = e
		}
		b, err := newBackend(e, s, opts)
		if err != nil {
			e.close()
			return nil, err
		}
		e.field, e.kept = &b.f, &b.kept
		return b, nil
	}
}

// countBitDiffs reports as errors of t (the first few by point, then the
// count) the points where got's bits differ from want's, and returns how
// many there are.
func countBitDiffs(t *testing.T, label string, got, want []float64) int {
	t.Helper()
	bad := 0
	for i := range want {
		if math.Float64bits(got[i]) != math.Float64bits(want[i]) {
			if bad < 3 {
				t.Errorf("%s: point %d is %v, want %v", label, i, got[i], want[i])
			}
			bad++
		}
	}
	if bad > 0 {
		t.Errorf("%s: %d of %d points differ", label, bad, len(want))
	}
	return bad
}
