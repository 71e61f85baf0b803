// RUN: cajal-opt %s --hw-pipeline | FileCheck %s
// RUN: cajal-opt %s --hw-pipeline=stage-delay=0 | FileCheck %s --check-prefix=FLAT
// RUN: cajal-opt %s --hw-pipeline | cajal-opt --hw-export-verilog -o /dev/null | FileCheck %s --check-prefix=VERILOG

// A leaky neuron's update and a delayed synapse's walk. Stage 0 reads the
// block RAMs (their words are registered before logic uses them); later
// stages hold 4 units of logic (an adder or a saturation 2, a mux 1); the
// product by a coefficient has a stage of its own; the walk's ring row
// addresses the target's read, so it is computed in stage 0 (before the
// read).
hw.design @Net attributes {dt = 1.0e-4 : f64, steps = 10 : i64} {
  hw.memory @m_P_v [4] : i24 signed init "P.v"
  hw.memory @m_P_queue [4] : i3
  hw.memory @m_c_rows [5] : i3 init "rows:c"
  hw.memory @m_c_targets [4] : i3 init "targets:c"
  hw.memory @m_c_delay [4] : i4 signed init "c.delay"
  hw.memory @m_P_v_ring [16] : i24 signed
  hw.queue @P [4] memory @m_P_queue id 0
  hw.ring @m_P_v_ring feeds @m_P_v slots 4 neurons 4
  hw.update @P0 [0, 4) spikes @P {
    %v = hw.read @m_P_v : i24
    %k = hw.constant -83677 : i19
    %p = hw.mul %v, %k : i24, i19 -> i41
    %half = hw.constant 8388608 : i25
    %r = hw.add %p, %half : i41, i25 -> i41
    %s = hw.shr %r by 24 : i41 -> i17
    %sum = hw.add %v, %s : i24, i17 -> i25
    %drive = hw.constant 2050 : i13
    %driven = hw.add %sum, %drive : i25, i13 -> i26
    %new, %over = hw.saturate %driven : i26 -> i24
    %th = hw.constant 419430 : i20
    %fire = hw.icmp gt %new, %th : i24, i20
    %reset = hw.constant -503316 : i20
    %next = hw.mux %fire, %reset, %new : i20, i24 -> i24
    hw.write @m_P_v, %next : i24
    hw.saturation %over
    hw.spike %fire
  }
  hw.spike_walk @P1 @P [0, 4) rows @m_c_rows targets @m_c_targets post_offset 0 {
    %d = hw.read @m_c_delay : i4
    %head = hw.ring_head @m_P_v_ring : i3
    %ahead = hw.add %head, %d : i3, i4 -> i5
    %n = hw.constant 4 : i4
    %row = hw.mul %ahead, %n : i5, i4 -> i8
    %x = hw.read_target @m_P_v_ring row %row : i8 : i24
    %w = hw.constant 1000 : i11
    %t = hw.add %x, %w : i24, i11 -> i25
    %y, %o = hw.saturate %t : i25 -> i24
    hw.write_target @m_P_v_ring, %y row %row : i8 : i24
    hw.saturation %o
  }
}

// CHECK: hw.update @P0[0, 4) spikes @P attributes {latency = 4 : i64} {
// CHECK: %[[V:.*]] = hw.read @m_P_v {stage = 0 : i64} : i24
// CHECK: %[[P:.*]] = hw.mul %[[V]], %{{.*}} {stage = 1 : i64}
// CHECK: %[[R:.*]] = hw.add %[[P]], %{{.*}} {stage = 2 : i64}
// CHECK: hw.shr %[[R]] by 24 {stage = 2 : i64}
// CHECK: %[[SUM:.*]] = hw.add %[[V]], %{{.*}} {stage = 2 : i64}
// CHECK: %[[DRIVEN:.*]] = hw.add %[[SUM]], %{{.*}} {stage = 3 : i64}
// CHECK: hw.saturate %[[DRIVEN]] {stage = 3 : i64}
// CHECK: hw.icmp gt %{{.*}}, %{{.*}} {stage = 4 : i64}
// CHECK: hw.mux %{{.*}}, %{{.*}}, %{{.*}} {stage = 4 : i64}
// CHECK: hw.spike_walk @P1 @P[0, 4) rows @m_c_rows targets @m_c_targets post_offset 0 attributes {latency = 1 : i64} {
// CHECK: hw.ring_head @m_P_v_ring {stage = 0 : i64}
// CHECK: hw.mul %{{.*}}, %{{.*}} {stage = 0 : i64} : i5, i4 -> i8
// CHECK: hw.read_target @m_P_v_ring row %{{.*}} : i8 {stage = 0 : i64} : i24
// CHECK: hw.add %{{.*}}, %{{.*}} {stage = 1 : i64} : i24, i11 -> i25
// CHECK: hw.saturate %{{.*}} {stage = 1 : i64} : i25 -> i24

// FLAT: hw.update @P0[0, 4) spikes @P attributes {latency = 0 : i64} {
// FLAT-NOT: stage = 1
// FLAT: hw.spike_walk

// The update streams a neuron a cycle through 5 stages: a register per
// stage for values used later (v twice, the product), a valid bit and an
// index per stage; the last stage writes, spikes and counts the spike.
// VERILOG: localparam P0_{{RUN}} = 2;
// VERILOG: localparam P0_DRAIN4 = 7;
// VERILOG: localparam P1_WORDS = 13;
// VERILOG-NEXT: localparam P1_ADDRESS = 14;
// VERILOG: reg P0_v0, P0_v1, P0_v2, P0_v3, P0_v4;
// VERILOG: reg [2:0] P0_i0, P0_i1, P0_i2, P0_i3, P0_i4;
// VERILOG-DAG: reg signed [23:0] [[VR:P0_c[0-9]+]]_1;
// VERILOG-DAG: reg signed [23:0] [[VR]]_2;
// VERILOG-DAG: reg signed [40:0] [[PR:P0_c[0-9]+]]_1;
// The word read is registered before the product.
// VERILOG: wire signed [40:0] [[PW:P0_t[0-9]+]] = [[VR]]_1 * (-19'sd83677);
// VERILOG-NEXT: wire signed [40:0] {{P0_t[0-9]+}} = [[PR]]_1 + 25'sd8388608;
// VERILOG: = [[VR]]_2 + P0_t{{[0-9]+}};
// Saturation tests the bits above the sign.
// VERILOG: wire [[OVER:P0_t[0-9]+]] = !(&[[D:P0_t[0-9]+]][25:23] || ~|[[D]][25:23]);
// VERILOG-NEXT: wire signed [23:0] {{P0_t[0-9]+}} = [[OVER]] ? ([[D]][25] ? (-24'sd8388608) : 24'sd8388607) : $signed([[D]][23:0]);
// The walk's ring row comes from a word (the delay): the word registered
// (WORDS), the row computed from it and registered (ADDRESS), then it
// addresses the target's read; the row the last stage writes is carried.
// VERILOG: reg signed [3:0] [[DELAY:P1_w[0-9]+]];
// VERILOG: reg signed [7:0] [[ROWC:P1_c[0-9]+]]_1;
// VERILOG: = P1_t{{[0-9]+}} + [[DELAY]];
// VERILOG-NEXT: wire signed [7:0] [[ROW:P1_t[0-9]+]] = P1_t{{[0-9]+}} * 4'sd4;
// VERILOG: reg signed [7:0] [[ROWA:P1_a[0-9]+]];
// VERILOG: [[VR]]_1 <= m_P_v_rd;
// VERILOG-NEXT: [[VR]]_2 <= [[VR]]_1;
// VERILOG-NEXT: [[PR]]_1 <= [[PW]];
// VERILOG: P0_v0 <= !rst && state == P0_RUN;
// VERILOG-NEXT: P0_i0 <= i;
// VERILOG-NEXT: P0_v1 <= !rst && P0_v0;
// VERILOG: always @(posedge clk) [[DELAY]] <= m_c_delay_rd;
// VERILOG: [[ROWC]]_1 <= [[ROW]];
// VERILOG: if (state == P1_ADDRESS) begin
// VERILOG-NEXT: [[ROWA]] <= [[ROW]];
// VERILOG: P0_{{RUN}}: begin
// VERILOG-NEXT: m_P_v_re = 1'b1; m_P_v_ra = i;
// VERILOG: P1_TARGET: begin
// VERILOG-NEXT: m_P_v_ring_re = 1'b1; m_P_v_ring_ra = [[ROWA]] + post;
// VERILOG: P1_STAGE1: begin
// VERILOG-NEXT: m_P_v_ring_we = 1'b1; m_P_v_ring_wa = [[ROWC]]_1 + post;
// VERILOG: if (P0_v4) begin
// VERILOG-NEXT: m_P_v_we = 1'b1; m_P_v_wa = P0_i4;
// VERILOG: if ([[FIRE:P0_t[0-9]+]]) begin m_P_queue_we = 1'b1; m_P_queue_wa = n_P; m_P_queue_wd = P0_i4; end
// VERILOG: if (P0_v4 && ([[FIRE]])) begin spike_valid = 1'b1; spike_population = 0; spike_index = P0_i4; end
// VERILOG: if (P0_v4 && ([[FIRE]])) n_P <= n_P + 1'b1;
// VERILOG: P0_{{RUN}}: if (i == 3) state <= P0_DRAIN0;
// VERILOG-NEXT: else i <= i + 1'b1;
// VERILOG: P0_DRAIN4: begin state <= P1_NEXT; q <= 0; end
// VERILOG: P1_SYN: if (k == kend) begin q <= q + 1'b1; state <= P1_NEXT; end
// VERILOG-NEXT: else state <= P1_WORDS;
// VERILOG-NEXT: P1_ADDRESS: state <= P1_TARGET;
// VERILOG-NEXT: P1_TARGET: state <= P1_ADD;
// VERILOG-NEXT: P1_ADD: state <= P1_STAGE1;
// VERILOG-NEXT: P1_STAGE1: begin k <= k + 1'b1; state <= P1_SYN; end
// VERILOG-NEXT: P1_WORDS: begin post <= m_c_targets_rd + 0; state <= P1_ADDRESS; end
