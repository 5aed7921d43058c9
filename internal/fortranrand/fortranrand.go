// Package fortranrand reproduces gfortran's intrinsic random numbers (the
// generator of current gfortran releases, the compiler of HipFT's CPU
// builds; older releases used other generators), so that goft's random
// flux emergence draws the numbers HipFT draws for the same
// source_rfe_seed. HipFT built with another compiler (nvfortran for GPUs)
// draws other numbers.
//
// gfortran's generator is xoshiro256** (Blackman and Vigna, 2018) with 256
// bits of state. RANDOM_SEED(PUT=seed), with seed an array of SeedSize
// default (32-bit) integers, takes the integers in reverse order as four
// little-endian 64-bit words and XORs them with fixed keys; RANDOM_NUMBER
// for a REAL(8) keeps the top 53 bits of the next 64-bit output, a number
// in [0, 1) on a 2^-53 grid. The values were checked against gfortran 12.2
// (testdata/gfortran.txt).
package fortranrand

import (
	"encoding/binary"
	"fmt"
	"math/bits"
)

// SeedSize is what RANDOM_SEED(SIZE=n) returns for default integers: the
// number of 32-bit integers in a seed.
const SeedSize = 8

// xorKeys scramble a user's seed (libgfortran's xor_keys), so that seeds of
// small integers do not start the generator in a poor state.
var xorKeys = [4]uint64{0xbd0c5b6e50c2df49, 0xd46061cd46e1df38, 0xbb4f4d4ed6103544, 0x114a583d0756ad39}

// Generator is gfortran's per-thread random state. Its zero value is not
// a valid state (all-zero xoshiro state yields only zeros); make one with
// Put or Fill.
type Generator struct {
	s [4]uint64
}

// Put returns the generator after CALL RANDOM_SEED(PUT=seed).
func Put(seed [SeedSize]int32) *Generator {
	g := &Generator{}
	for i := range g.s {
		// Word i holds seed integers 8-2i (low half) and 7-2i (high half),
		// 1-based: the array reversed, read as little-endian words.
		lo, hi := uint32(seed[SeedSize-1-2*i]), uint32(seed[SeedSize-2-2*i])
		g.s[i] = (uint64(lo) | uint64(hi)<<32) ^ xorKeys[i]
	}
	return g
}

// Fill returns the generator after HipFT's seeding with one integer:
// RANDOM_SEED(PUT=seed_new) with every element of seed_new equal to seed.
func Fill(seed int32) *Generator {
	var s [SeedSize]int32
	for i := range s {
		s[i] = seed
	}
	return Put(s)
}

// FromState returns a generator with state words s (for example from the
// operating system's entropy, as RANDOM_SEED() without arguments does);
// an all-zero state is replaced by the keys, which are not.
func FromState(s [4]uint64) *Generator {
	if s == [4]uint64{} {
		s = xorKeys
	}
	return &Generator{s: s}
}

// Uint64 returns the next 64-bit output of xoshiro256**.
func (g *Generator) Uint64() uint64 {
	s := &g.s
	result := bits.RotateLeft64(s[1]*5, 7) * 9
	t := s[1] << 17
	s[2] ^= s[0]
	s[3] ^= s[1]
	s[1] ^= s[2]
	s[0] ^= s[3]
	s[2] ^= t
	s[3] = bits.RotateLeft64(s[3], 45)
	return result
}

// Float64 returns CALL RANDOM_NUMBER(u) for a REAL(8) u: the top 53 bits
// of the next output as a number in [0, 1).
func (g *Generator) Float64() float64 {
	return float64(g.Uint64()>>11) * 0x1p-53
}

// Get returns what CALL RANDOM_SEED(GET=seed) returns: the state as a
// seed that Put turns back into this state.
func (g *Generator) Get() [SeedSize]int32 {
	var seed [SeedSize]int32
	for i, w := range g.s {
		w ^= xorKeys[i]
		seed[SeedSize-1-2*i] = int32(uint32(w))
		seed[SeedSize-2-2*i] = int32(uint32(w >> 32))
	}
	return seed
}

// MarshalBinary returns the state (32 bytes), for checkpoints.
func (g *Generator) MarshalBinary() ([]byte, error) {
	b := make([]byte, 0, 32)
	for _, w := range g.s {
		b = binary.LittleEndian.AppendUint64(b, w)
	}
	return b, nil
}

// UnmarshalBinary restores a state written by MarshalBinary.
func (g *Generator) UnmarshalBinary(b []byte) error {
	if len(b) != 32 {
		return fmt.Errorf("fortranrand: a generator state is 32 bytes, got %d", len(b))
	}
	for i := range g.s {
		g.s[i] = binary.LittleEndian.Uint64(b[8*i:])
	}
	if g.s == [4]uint64{} {
		return fmt.Errorf("fortranrand: an all-zero generator state is not valid")
	}
	return nil
}
