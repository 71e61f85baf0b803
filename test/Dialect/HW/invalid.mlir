// RUN: cajal-opt %s -split-input-file -verify-diagnostics

hw.design @D attributes {dt = 1.0e-4 : f64, steps = 1 : i64} {
  // expected-error @+1 {{needs a depth of at least one word}}
  hw.memory @m [0] : i8 signed
}

// -----

hw.design @D attributes {dt = 1.0e-4 : f64, steps = 1 : i64} {
  // expected-error @+1 {{word 128 does not fit its type 'i8'}}
  hw.memory @m [2] : i8 signed contents [1, 128]
}

// -----

hw.design @D attributes {dt = 1.0e-4 : f64, steps = 1 : i64} {
  // expected-error @+1 {{word -1 does not fit its type 'i8'}}
  hw.memory @m [2] : i8 contents [-1]
}

// -----

hw.design @D attributes {dt = 1.0e-4 : f64, steps = 1 : i64} {
  // expected-error @+1 {{has 3 words of contents for a depth of 2}}
  hw.memory @m [2] : i8 signed contents [1, 2, 3]
}

// -----

hw.design @D attributes {dt = 1.0e-4 : f64, steps = 1 : i64} {
  hw.memory @m_q [2] : i2
  // expected-error @+1 {{holds 4 neurons but @m_q only 2}}
  hw.queue @P [4] memory @m_q id 0
}

// -----

hw.design @D attributes {dt = 1.0e-4 : f64, steps = 1 : i64} {
  // expected-error @+1 {{refers to @m_q, which is not a hw.memory of the design}}
  hw.queue @P [4] memory @m_q id 0
}

// -----

hw.design @D attributes {dt = 1.0e-4 : f64, steps = 1 : i64} {
  hw.memory @m_q [2] : i2
  // expected-error @+1 {{has given spikes but is not filled by the host}}
  hw.queue @P [2] memory @m_q id 0 {given_indices = array<i64: 1>, given_steps = array<i64: 3>}
}

// -----

hw.design @D attributes {dt = 1.0e-4 : f64, steps = 1 : i64} {
  hw.memory @m_q [2] : i2
  // expected-error @+1 {{given spike of neuron 2 outside the queue's 2 neurons}}
  hw.queue @P [2] memory @m_q id 0 host {given_indices = array<i64: 2>, given_steps = array<i64: 3>}
}

// -----

hw.design @D attributes {dt = 1.0e-4 : f64, steps = 1 : i64} {
  hw.memory @m_q [2] : i2
  // expected-error @+1 {{needs as many given steps as given indices}}
  hw.queue @P [2] memory @m_q id 0 host {given_indices = array<i64: 1, 0>, given_steps = array<i64: 3>}
}

// -----

hw.design @D attributes {dt = 1.0e-4 : f64, steps = 1 : i64} {
  hw.memory @m_ge [4] : i24 signed
  hw.memory @m_ring [10] : i24 signed
  // expected-error @+1 {{needs 12 words in @m_ring, which has 10}}
  hw.ring @m_ring feeds @m_ge slots 3 neurons 4
}

// -----

hw.design @D attributes {dt = 1.0e-4 : f64, steps = 1 : i64} {
  hw.memory @m_ge [4] : i24 signed
  hw.memory @m_ring [12] : i16 signed
  // expected-error @+1 {{needs words of the type of the field it feeds}}
  hw.ring @m_ring feeds @m_ge slots 3 neurons 4
}

// -----

hw.design @D attributes {dt = 1.0e-4 : f64, steps = 1 : i64} {
  // expected-error @+1 {{needs a non-empty range of neurons}}
  hw.update @P0 [4, 4) {
  }
}

// -----

hw.design @D attributes {dt = 1.0e-4 : f64, steps = 1 : i64} {
  // expected-error @+1 {{refers to @P, which is not a hw.queue of the design}}
  hw.update @P0 [0, 4) spikes @P {
  }
}

// -----

hw.design @D attributes {dt = 1.0e-4 : f64, steps = 1 : i64} {
  hw.memory @m_v [4] : i24 signed
  hw.update @P0 [0, 4) {
    // expected-error @+1 {{result type 'i16' differs from the words of @m_v ('i24')}}
    %v = hw.read @m_v : i16
  }
}

// -----

hw.design @D attributes {dt = 1.0e-4 : f64, steps = 1 : i64} {
  hw.update @P0 [0, 4) {
    %c = hw.constant 1 : i2
    // expected-error @+1 {{refers to @m_v, which is not a hw.memory of the design}}
    hw.write @m_v, %c : i2
  }
}

// -----

hw.design @D attributes {dt = 1.0e-4 : f64, steps = 1 : i64} {
  hw.memory @m_v [4] : i24 signed
  hw.update @P0 [0, 4) {
    // expected-error @+1 {{is only valid in a hw.spike_walk}}
    %v = hw.read_target @m_v : i24
  }
}

// -----

hw.design @D attributes {dt = 1.0e-4 : f64, steps = 1 : i64} {
  hw.memory @m_v [4] : i24 signed
  hw.update @P0 [0, 4) {
    %c = hw.constant 1 : i1
    // expected-error @+1 {{is only valid in a hw.update that has a queue}}
    hw.spike %c
  }
}

// -----

hw.design @D attributes {dt = 1.0e-4 : f64, steps = 1 : i64} {
  hw.memory @m_v [4] : i24 signed
  hw.update @P0 [0, 4) {
    %i = hw.constant 1 : i2
    // expected-error @+1 {{@m_v is not a ROM (it has no contents)}}
    %x = hw.lookup @m_v [%i] : i2 -> i24
  }
}

// -----

hw.design @D attributes {dt = 1.0e-4 : f64, steps = 1 : i64} {
  hw.memory @m_v [4] : i24 signed
  hw.update @P0 [0, 4) {
    // expected-error @+1 {{@m_v is not the memory of a hw.ring}}
    %h = hw.ring_head @m_v : i3
  }
}

// -----

hw.design @D attributes {dt = 1.0e-4 : f64, steps = 1 : i64} {
  hw.update @P0 [0, 4) {
    // expected-error @+1 {{value 8 does not fit 'i4'}}
    %c = hw.constant 8 : i4
  }
}

// -----

// expected-error @+1 {{value 2 does not fit 'i1'}}
%c = hw.constant 2 : i1

// -----

%c = hw.constant 2 : i4
// expected-error @+1 {{shifts by 0 to 63 bits}}
%s = hw.shr %c by 64 : i4 -> i4

// -----

%c = hw.constant 2 : i4
// expected-error @+1 {{saturates to a width of at least 2 bits and at most the input's}}
%s, %o = hw.saturate %c : i4 -> i8

// -----

%c = hw.constant 1 : i1
// expected-error @+1 {{expects parent op to be one of 'hw.update, hw.spike_walk, hw.column_walk'}}
hw.saturation %c

// -----

%s = hw.constant 1 : i32
// expected-error @+1 {{needs ascending thresholds in [0, 2^24]}}
%n = hw.count_reached %s thresholds [7, 2] bits 24 : i3

// -----

%s = hw.constant 1 : i32
// expected-error @+1 {{compares 1 to 32 bits of the state, not 0}}
%n = hw.count_reached %s thresholds [] bits 0 : i3

// -----

%s = hw.constant 1 : i32
// expected-error @+1 {{counts to 2: its result needs 3 bits}}
%n = hw.count_reached %s thresholds [1, 2] bits 24 : i2

// -----

// A pipelined phase: stages against the latency and the operands.
hw.design @D attributes {dt = 1.0e-4 : f64, steps = 1 : i64} {
  hw.memory @m_v [4] : i24 signed
  hw.update @P0 [0, 4) {
    // expected-error @+1 {{has a stage but its phase has no latency}}
    %v = hw.read @m_v {stage = 0 : i64} : i24
  }
}

// -----

hw.design @D attributes {dt = 1.0e-4 : f64, steps = 1 : i64} {
  hw.memory @m_v [4] : i24 signed
  hw.update @P0 [0, 4) attributes {latency = 1 : i64} {
    %v = hw.read @m_v {stage = 0 : i64} : i24
    // expected-error @+1 {{needs a stage from 0 to the phase's latency 1}}
    %w = hw.add %v, %v {stage = 2 : i64} : i24, i24 -> i25
  }
}

// -----

hw.design @D attributes {dt = 1.0e-4 : f64, steps = 1 : i64} {
  hw.memory @m_v [4] : i24 signed
  hw.update @P0 [0, 4) attributes {latency = 1 : i64} {
    // expected-error @+1 {{needs a stage from 0 to the phase's latency 1}}
    %v = hw.read @m_v : i24
  }
}

// -----

hw.design @D attributes {dt = 1.0e-4 : f64, steps = 1 : i64} {
  hw.memory @m_v [4] : i24 signed
  hw.update @P0 [0, 4) attributes {latency = 1 : i64} {
    // expected-error @+1 {{reads in stage 0}}
    %v = hw.read @m_v {stage = 1 : i64} : i24
  }
}

// -----

hw.design @D attributes {dt = 1.0e-4 : f64, steps = 1 : i64} {
  hw.memory @m_v [4] : i24 signed
  hw.update @P0 [0, 4) attributes {latency = 1 : i64} {
    %v = hw.read @m_v {stage = 0 : i64} : i24
    %w = hw.add %v, %v {stage = 1 : i64} : i24, i24 -> i25
    // expected-error @+1 {{in stage 0 uses a value computed in stage 1}}
    %x = hw.add %w, %v {stage = 0 : i64} : i25, i24 -> i26
  }
}

// -----

hw.design @D attributes {dt = 1.0e-4 : f64, steps = 1 : i64} {
  hw.memory @m_v [4] : i24 signed
  hw.update @P0 [0, 4) attributes {latency = -1 : i64} {
    %c = hw.constant 1 : i2
    // expected-error @-2 {{needs a latency of at least 0}}
    hw.write @m_v, %c : i2
  }
}

// -----

hw.design @D attributes {dt = 1.0e-4 : f64, steps = 1 : i64} {
  hw.memory @m_rows [2] : i2
  hw.memory @m_targets [2] : i2
  hw.memory @m_d [2] : i4 signed
  hw.memory @m_ring [8] : i8 signed
  hw.memory @m_q [2] : i2
  hw.memory @m_v [2] : i8 signed
  hw.queue @P [2] memory @m_q id 0
  hw.ring @m_ring feeds @m_v slots 4 neurons 2
  hw.spike_walk @W @P [0, 2) rows @m_rows targets @m_targets post_offset 0 attributes {latency = 1 : i64} {
    %d = hw.read @m_d {stage = 0 : i64} : i4
    %row = hw.add %d, %d {stage = 1 : i64} : i4, i4 -> i5
    // A read's address is computed before the read, in stage 0.
    // expected-error @+1 {{in stage 0 uses a value computed in stage 1}}
    %x = hw.read_target @m_ring row %row : i5 {stage = 0 : i64} : i8
  }
}
