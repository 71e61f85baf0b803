// RUN: cajal-opt %s | cajal-opt | FileCheck %s

// Every op of the hw dialect, printed and parsed back.

// CHECK-LABEL: hw.design @Engine attributes {dt = 1.000000e-04 : f64, steps = 100 : i64}
hw.design @Engine attributes {dt = 1.0e-4 : f64, steps = 100 : i64} {
  // CHECK: hw.memory @m_P_v[4] : i24 signed init "P.v"
  hw.memory @m_P_v [4] : i24 signed init "P.v"
  hw.memory @m_P_until [4] : i32 signed init "P.until"
  hw.memory @m_P_ge [4] : i24 signed init "P.ge"
  // CHECK: hw.memory @m_P_ge_ring[12] : i24 signed
  hw.memory @m_P_ge_ring [12] : i24 signed
  hw.memory @m_P_queue [4] : i3
  hw.memory @m_S_queue [2] : i2
  // CHECK: hw.memory @m_c_rows[3] : i3 init "rows:c"
  hw.memory @m_c_rows [3] : i3 init "rows:c"
  hw.memory @m_c_targets [4] : i3 init "targets:c"
  hw.memory @m_c_columns [5] : i3 init "columns:c"
  hw.memory @m_c_column_synapses [4] : i3 init "column-synapses:c"
  hw.memory @m_c_w [4] : i24 signed init "c.w"
  hw.memory @m_c_delay [4] : i16 signed init "c.delay"
  // CHECK: hw.memory @m_table0[3] : i19 signed contents [131072, 65536, 0]
  hw.memory @m_table0 [3] : i19 signed contents [131072, 65536, 0]
  // CHECK: hw.queue @P[4] memory @m_P_queue id 0
  hw.queue @P [4] memory @m_P_queue id 0
  // CHECK: hw.queue @S[2] memory @m_S_queue id 1 host {given_indices = array<i64: 1, 0>, given_steps = array<i64: 3, 7>}
  hw.queue @S [2] memory @m_S_queue id 1 host {given_indices = array<i64: 1, 0>, given_steps = array<i64: 3, 7>}
  // CHECK: hw.ring @m_P_ge_ring feeds @m_P_ge slots 3 neurons 4
  hw.ring @m_P_ge_ring feeds @m_P_ge slots 3 neurons 4

  // CHECK: hw.update @P0[0, 4) spikes @P {
  hw.update @P0 [0, 4) spikes @P {
    // CHECK: hw.read @m_P_v : i24
    %v = hw.read @m_P_v : i24
    %until = hw.read @m_P_until : i32
    %row = hw.read @m_P_ge_ring : i24
    // CHECK: hw.step : i32
    %step = hw.step : i32
    // CHECK: hw.icmp lt %{{.*}}, %{{.*}} : i32, i32
    %frozen = hw.icmp lt %step, %until : i32, i32
    // CHECK: hw.constant -83677 : i19
    %k = hw.constant -83677 : i19
    // CHECK: hw.mul %{{.*}}, %{{.*}} : i24, i19 -> i41
    %p = hw.mul %v, %k : i24, i19 -> i41
    // CHECK: hw.shr %{{.*}} by 24 : i41 -> i17
    %s = hw.shr %p by 24 : i41 -> i17
    // CHECK: %[[NEXT:.*]] = hw.xorshift %{{.*}}
    // CHECK: hw.count_reached %[[NEXT]] thresholds [2156076, 6695184] bits 24 : i3
    %state = hw.constant 12345 : i32
    %advanced = hw.xorshift %state
    %count = hw.count_reached %advanced thresholds [2156076, 6695184] bits 24 : i3
    // CHECK: hw.add %{{.*}}, %{{.*}} : i24, i17 -> i25
    %sum = hw.add %v, %s : i24, i17 -> i25
    // CHECK: hw.sub %{{.*}}, %{{.*}} : i25, i24 -> i26
    %diff = hw.sub %sum, %row : i25, i24 -> i26
    // CHECK: hw.neg %{{.*}} : i26 -> i27
    %neg = hw.neg %diff : i26 -> i27
    // CHECK: hw.min %{{.*}}, %{{.*}} : i27, i25 -> i27
    %low = hw.min %neg, %sum : i27, i25 -> i27
    // CHECK: hw.max %{{.*}}, %{{.*}} : i27, i24 -> i27
    %high = hw.max %low, %v : i27, i24 -> i27
    // CHECK: %{{.*}}, %{{.*}} = hw.saturate %{{.*}} : i27 -> i24
    %clamped, %over = hw.saturate %high : i27 -> i24
    // CHECK: hw.resize %{{.*}} : i24 -> i30
    %wide = hw.resize %clamped : i24 -> i30
    // CHECK: hw.mux %{{.*}}, %{{.*}}, %{{.*}} : i24, i30 -> i24
    %next = hw.mux %frozen, %v, %wide : i24, i30 -> i24
    %threshold = hw.constant -419430 : i21
    %fire = hw.icmp gt %next, %threshold : i24, i21
    // CHECK: hw.not %{{.*}}
    %free = hw.not %frozen
    // CHECK: hw.and %{{.*}}, %{{.*}}
    %spike = hw.and %fire, %free
    // CHECK: hw.or %{{.*}}, %{{.*}}
    %either = hw.or %fire, %over
    // CHECK: hw.xor %{{.*}}, %{{.*}}
    %one = hw.xor %either, %free
    // CHECK: hw.constant 1 : i1
    %yes = hw.constant 1 : i1
    %flag = hw.and %one, %yes
    // CHECK: hw.saturation %{{.*}}
    hw.saturation %flag
    // CHECK: hw.write @m_P_v, %{{.*}} : i24
    hw.write @m_P_v, %next : i24
    // CHECK: hw.spike %{{.*}}
    hw.spike %spike
  }

  // CHECK: hw.spike_walk @P1 @P[0, 4) rows @m_c_rows targets @m_c_targets post_offset 0 {
  hw.spike_walk @P1 @P [0, 4) rows @m_c_rows targets @m_c_targets post_offset 0 {
    %w = hw.read @m_c_w : i24
    %d = hw.read @m_c_delay : i16
    // CHECK: hw.ring_head @m_P_ge_ring : i3
    %head = hw.ring_head @m_P_ge_ring : i3
    %ahead = hw.add %head, %d : i3, i16 -> i18
    %n = hw.constant 4 : i4
    %row = hw.mul %ahead, %n : i18, i4 -> i6
    // CHECK: hw.read_target @m_P_ge_ring row %{{.*}} : i6 : i24
    %ge = hw.read_target @m_P_ge_ring row %row : i6 : i24
    // CHECK: hw.read_target @m_P_until : i32
    %until = hw.read_target @m_P_until : i32
    %total = hw.add %ge, %w : i24, i24 -> i33
    %new, %over = hw.saturate %total : i33 -> i24
    // CHECK: hw.write_target @m_P_ge_ring, %{{.*}} row %{{.*}} : i6 : i24
    hw.write_target @m_P_ge_ring, %new row %row : i6 : i24
    // CHECK: hw.lookup @m_table0[%{{.*}}] : i16 -> i19
    %decay = hw.lookup @m_table0 [%d] : i16 -> i19
    hw.write @m_c_w, %decay : i19
  }

  // CHECK: hw.column_walk @P2 @P[0, 4) columns @m_c_columns synapses @m_c_column_synapses {
  hw.column_walk @P2 @P [0, 4) columns @m_c_columns synapses @m_c_column_synapses {
    %w = hw.read @m_c_w : i24
    %one = hw.constant 1 : i2
    %up = hw.add %w, %one : i24, i2 -> i25
    hw.write @m_c_w, %up : i25
  }
}

// -----

// A pipelined phase: its latency, and each value's stage.
// CHECK-LABEL: hw.design @Piped
hw.design @Piped attributes {dt = 1.0e-4 : f64, steps = 1 : i64} {
  hw.memory @m_v [4] : i24 signed
  // CHECK: hw.update @P0[0, 4) attributes {latency = 1 : i64} {
  hw.update @P0 [0, 4) attributes {latency = 1 : i64} {
    // CHECK: hw.read @m_v {stage = 0 : i64} : i24
    %v = hw.read @m_v {stage = 0 : i64} : i24
    %k = hw.constant -83677 : i19
    %p = hw.mul %v, %k {stage = 0 : i64} : i24, i19 -> i41
    // CHECK: hw.shr %{{.*}} by 24 {stage = 1 : i64} : i41 -> i17
    %s = hw.shr %p by 24 {stage = 1 : i64} : i41 -> i17
    %sum = hw.add %v, %s {stage = 1 : i64} : i24, i17 -> i25
    %new, %over = hw.saturate %sum {stage = 1 : i64} : i25 -> i24
    // CHECK: hw.write @m_v, %{{.*}} : i24
    hw.write @m_v, %new : i24
  }
}
