// RUN: cajal-opt %s -split-input-file --sim-to-fixed-point --convert-fixed-sim-to-hw | FileCheck %s
// RUN: cajal-opt %s -split-input-file --sim-to-fixed-point --convert-fixed-sim-to-hw | cajal-opt -split-input-file --hw-export-verilog -o /dev/null | FileCheck %s --check-prefix=VERILOG

// A leaky neuron with refractoriness and delayed input from its own
// spikes: block RAMs for its fields, its delay ring (delay + 2 rows) and
// its spike queue; the update delivers the ring's head row (saturating)
// as it reads the field and clears it; conditional stores become muxes
// and one write per field; the spike walk adds into row head + d + 1.
// CHECK-LABEL: hw.design @Net attributes {dt = 1.000000e-04 : f64, steps = 10 : i64}
// CHECK-DAG: hw.memory @m_P_v[4] : i24 signed init "P.v"
// CHECK-DAG: hw.memory @m_P_until[4] : i32 signed init "P.until"
// CHECK-DAG: hw.memory @m_P_v_ring[16] : i24 signed
// CHECK-DAG: hw.memory @m_P_queue[4] : i3
// Without the CPU set-up, tables have one word.
// CHECK-DAG: hw.memory @m_syn_rows[5] : i1 init "rows:syn"
// CHECK-DAG: hw.memory @m_syn_targets[1] : i3 init "targets:syn"
// CHECK: hw.queue @P[4] memory @m_P_queue id 0
// CHECK: hw.ring @m_P_v_ring feeds @m_P_v slots 4 neurons 4
// CHECK: hw.update @P0[0, 4) spikes @P {
// CHECK: %[[V:.*]] = hw.read @m_P_v : i24
// CHECK: %[[ROW:.*]] = hw.read @m_P_v_ring : i24
// CHECK: %[[FULL:.*]] = hw.add %[[V]], %[[ROW]] : i24, i24 -> i25
// CHECK: %[[DELIVERED:.*]], %[[OVER:.*]] = hw.saturate %[[FULL]] : i25 -> i24
// CHECK: hw.saturation %[[OVER]]
// CHECK: %[[ZERO:.*]] = hw.constant 0 : i2
// CHECK: hw.write @m_P_v_ring, %[[ZERO]] : i2
// CHECK: %[[UNTIL:.*]] = hw.read @m_P_until : i32
// CHECK: %[[STEP:.*]] = hw.step : i32
// CHECK: %[[FROZEN:.*]] = hw.icmp lt %[[STEP]], %[[UNTIL]] : i32, i32
// CHECK: hw.mul %[[DELIVERED]], %{{.*}} : i24, i19 -> i41
// CHECK: hw.shr %{{.*}} by 23
// CHECK: hw.mux %[[FROZEN]], %[[DELIVERED]], %{{.*}}
// CHECK: %[[FIRE:.*]] = hw.icmp gt
// CHECK: %[[RESET:.*]] = hw.mux %[[FIRE]], %{{.*}}, %{{.*}} : i20, i24 -> i24
// CHECK: %[[END:.*]] = hw.mux %[[FIRE]], %{{.*}}, %[[UNTIL]] : i32, i32 -> i32
// CHECK: hw.write @m_P_v, %[[RESET]] : i24
// CHECK: hw.write @m_P_until, %[[END]] : i32
// CHECK: hw.spike %[[FIRE]]
// CHECK: hw.spike_walk @P1 @P[0, 4) rows @m_syn_rows targets @m_syn_targets post_offset 0 {
// CHECK: %[[W:.*]] = hw.constant
// CHECK: %[[AHEAD:.*]] = hw.constant 3 : i4
// CHECK: %[[HEAD:.*]] = hw.ring_head @m_P_v_ring : i4
// CHECK: %[[SLOTS:.*]] = hw.constant 4 : i5
// CHECK: %[[SUM:.*]] = hw.add %[[HEAD]], %[[AHEAD]] : i4, i4 -> i6
// CHECK: %[[WRAPS:.*]] = hw.icmp ge %[[SUM]], %[[SLOTS]]
// CHECK: %[[WRAPPED:.*]] = hw.sub %[[SUM]], %[[SLOTS]]
// CHECK: %[[INDEX:.*]] = hw.mux %[[WRAPS]], %[[WRAPPED]], %[[SUM]]
// CHECK: %[[OFFSET:.*]] = hw.mul %[[INDEX]], %{{.*}} : i6, i5 -> i6
// CHECK: %[[OLD:.*]] = hw.read_target @m_P_v_ring row %[[OFFSET]] : i6 : i24
// CHECK: %[[TOTAL:.*]] = hw.add %[[OLD]], %[[W]] : i24, {{.*}} -> i33
// CHECK: %[[NEW:.*]], %[[SATURATED:.*]] = hw.saturate %[[TOTAL]] : i33 -> i24
// CHECK: hw.write_target @m_P_v_ring, %[[NEW]] row %[[OFFSET]] : i6 : i24
// CHECK: hw.saturation %[[SATURATED]]

// The update reads the ring at its head row (RUN, a neuron a cycle) and
// writes it back cleared a cycle later (one stage: not pipelined); the
// walk reads the target's word in the ring row in TARGET and writes it in
// ADD.
// VERILOG: module cajal_top (
// VERILOG: reg [2:0] m_P_v_ring_head;
// VERILOG: P0_{{RUN}}: begin
// VERILOG: m_P_v_ring_re = 1'b1; m_P_v_ring_ra = m_P_v_ring_base + i;
// VERILOG: P1_TARGET: begin
// VERILOG-NEXT: m_P_v_ring_re = 1'b1; m_P_v_ring_ra = [[ROW:P1_t[0-9]+]] + m_syn_targets_rd + 0;
// VERILOG: P1_ADD: begin
// VERILOG-NEXT: m_P_v_ring_we = 1'b1; m_P_v_ring_wa = [[ROW]] + post; m_P_v_ring_wd = P1_t{{[0-9]+}};
// VERILOG: // The updates' last stages.
// VERILOG-NEXT: if (P0_v0) begin
// VERILOG: m_P_v_ring_we = 1'b1; m_P_v_ring_wa = m_P_v_ring_base + P0_i0; m_P_v_ring_wd = 2'sd0;
// VERILOG: if ([[FIRE:P0_t[0-9]+]]) begin m_P_queue_we = 1'b1; m_P_queue_wa = n_P; m_P_queue_wd = P0_i0; end
// VERILOG: if (P0_v0 && ([[FIRE]])) begin spike_valid = 1'b1;
// VERILOG: if (m_P_v_ring_head == 3) begin m_P_v_ring_head <= 0; m_P_v_ring_base <= 0; end
sim.program @Net attributes {dt = 1.0e-4 : f64, steps = 10 : i64, seed = 1 : i64} {
  %decay = arith.constant 0.99 : f64
  %drive = arith.constant 1.0e-3 : f64
  %th = arith.constant -5.0e-2 : f64
  %reset = arith.constant -6.0e-2 : f64
  %never = arith.constant 0xFFF0000000000000 : f64
  %refractory = arith.constant 2.0e-3 : f64
  %w = arith.constant 5.0e-4 : f64
  sim.population @P[4] {
    sim.field @v state unit "V"
    sim.field @until internal unit "s"
  }
  sim.connectivity @syn @P [0, 4] -> @P [0, 4] rule "all_to_all" {} {autapses = false, multapses = false, stream = 1 : i64}
  sim.synapses @syn_synapses of @syn {
  }
  sim.init {
    sim.for_each @P {
    ^bb0(%i: index):
      %r = sim.random "uniform" stream 0 entity %i(%reset, %th) : f64
      sim.store %r, @P::@v[%i] : f64
      sim.store %never, @P::@until[%i] : f64
      sim.yield
    }
  }
  sim.step {
    sim.for_each @P {
    ^bb0(%i: index):
      %t = sim.time : f64
      %until = sim.load @P::@until[%i] : f64
      %frozen = arith.cmpf olt, %t, %until : f64
      %v = sim.load @P::@v[%i] : f64
      %leak = arith.mulf %v, %decay : f64
      %up = arith.addf %leak, %drive : f64
      %next = arith.select %frozen, %v, %up : f64
      sim.store %next, @P::@v[%i] : f64
      %fire = arith.cmpf ogt, %next, %th : f64
      scf.if %fire {
        sim.emit_spike @P[%i]
        sim.store %reset, @P::@v[%i] : f64
        %end = arith.addf %t, %refractory : f64
        sim.store %end, @P::@until[%i] : f64
      }
      sim.yield
    }
    sim.for_each_spike @syn {
    ^bb0(%pre: index, %post: index, %k: index):
      sim.accumulate %w, @P::@v[%post] {delay_steps = 2 : i64} : f64
      sim.yield
    }
  }
}

// -----

// The neuron update and the drive (both over P) become one engine pass;
// each draw reads, advances and writes back its generator word, and
// compares its top 24 bits with the table.
// CHECK-LABEL: hw.design @Drive
// CHECK: hw.memory @m_P___draw3[4] : i32 signed init "P.__draw3"
// CHECK: hw.memory @m_S___draw4[2] : i32 signed init "S.__draw4"
// CHECK: hw.update @P0[0, 4) spikes @P {
// CHECK: %[[STATE:.*]] = hw.read @m_P___draw3 : i32
// CHECK: %[[NEXT:.*]] = hw.xorshift %[[STATE]]
// CHECK: %[[COUNT:.*]] = hw.count_reached %[[NEXT]] thresholds [2156076, 6695184, 11353742, 14459447, 15971436, 16544399, 16720309, 16765279, 16775042, 16776869, 16777167, 16777210, 16777215] bits 24 : i5
// CHECK: hw.mul %[[COUNT]], %{{.*}} : i5, i19 -> i22
// CHECK: hw.write @m_P___draw3, %[[NEXT]] : i32
// CHECK: hw.spike
// CHECK-NOT: hw.update @P{{.*}}[0, 4)
// CHECK: hw.update @P1[0, 2) spikes @S {
// CHECK: %[[TRIAL:.*]] = hw.count_reached %{{.*}} thresholds [12582912] bits 24 : i2
// CHECK: %[[FIRE:.*]] = hw.icmp gt %[[TRIAL]], %{{.*}} : i2, i2
// CHECK: hw.spike %[[FIRE]]

// VERILOG: wire [31:0] [[S1:P0_t[0-9]+]] = m_P___draw3_rd ^ (m_P___draw3_rd << 13);
// VERILOG-NEXT: wire [31:0] [[S2:P0_t[0-9]+]] = [[S1]] ^ ([[S1]] >> 17);
// VERILOG-NEXT: wire signed [31:0] [[S3:P0_t[0-9]+]] = [[S2]] ^ ([[S2]] << 5);
// VERILOG-NEXT: wire signed [4:0] {{P0_t[0-9]+}} = ([[S3]][31:8] >= 25'd2156076) + ([[S3]][31:8] >= 25'd6695184) + {{.*}} + ([[S3]][31:8] >= 25'd16777215);
// VERILOG: m_P___draw3_we = 1'b1; m_P___draw3_wa = P0_i0; m_P___draw3_wd = [[S3]];
sim.program @Drive attributes {dt = 1.0e-4 : f64, steps = 10 : i64, seed = 1 : i64} {
  %n = arith.constant 40.0 : f64
  %p = arith.constant 0.05 : f64
  %rate = arith.constant 0.25 : f64
  %w = arith.constant 1.0e-4 : f64
  %th = arith.constant 2.0e-2 : f64
  %zero = arith.constant 0.0 : f64
  sim.population @P[4] {
    sim.field @v state unit "V"
  }
  sim.population @S[2] {
  }
  sim.step {
    sim.for_each @P {
    ^bb0(%i: index):
      %v = sim.load @P::@v[%i] : f64
      %fire = arith.cmpf ogt, %v, %th : f64
      scf.if %fire {
        sim.emit_spike @P[%i]
        sim.store %zero, @P::@v[%i] : f64
      }
      sim.yield
    }
    sim.for_each @P {
    ^bb0(%i: index):
      %k = sim.random "binomial" stream 3 entity %i(%n, %p) : f64
      %dv = arith.mulf %k, %w : f64
      %v = sim.load @P::@v[%i] : f64
      %sum = arith.addf %v, %dv : f64
      sim.store %sum, @P::@v[%i] : f64
      sim.yield
    }
    sim.for_each @S {
    ^bb0(%i: index):
      %u = sim.random "uniform01" stream 4 entity %i : f64
      %fire = arith.cmpf olt, %u, %rate : f64
      scf.if %fire {
        sim.emit_spike @S[%i]
      }
      sim.yield
    }
    sim.record_spikes @P
  }
}
