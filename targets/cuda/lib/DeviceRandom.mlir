// The CUDA target's random numbers: `@cajal_device_random` returns what the
// runtime's cajal_sim_random (runtime/lib/Simulation.cpp) returns for a
// simulation whose seed is %seed, with the same algorithms, the same blocks
// and the same floating-point operations in the same order as
// runtime/lib/Random.cpp (no reassociation, no fused multiply-add). Only the
// func, arith, math and scf dialects, so the module lowers both for the host
// and inside a gpu.module (convert-gpu-to-nvvm turns the math ops into
// libdevice calls there). Every helper is private and named cajal_device_*.
//
// Bit-for-bit equality with the runtime holds where the math functions
// (log, log1p, exp, cos) are the same: on the host, lower the math ops with
// convert-math-to-libm before convert-math-to-llvm (which would rewrite
// math.log1p as log(1 + x)); targets/cuda/test/DeviceRandomTest.cpp checks
// it. sqrt, floor, fabs and round are exact everywhere. On the device,
// convert-gpu-to-nvvm leaves math.round (no libdevice mapping in MLIR 19):
// convert-math-to-llvm after it gives llvm.round, which NVPTX expands
// exactly.
module {
  // Philox4x32-10 of the key layout in runtime/include/cajal/Runtime/Random.h
  // (randomBlock in runtime/lib/RandomImpl.h): the four output words.
  func.func private @cajal_device_random_block(%seed: i64, %stream: i32, %entity: i64,
                                               %counter: i64, %sub: i32) -> (i32, i32, i32, i32) {
    %c32_i64 = arith.constant 32 : i64
    %c8_i32 = arith.constant 8 : i32
    %c24_i32 = arith.constant 24 : i32
    %c255_i32 = arith.constant 255 : i32
    %c65535_i32 = arith.constant 65535 : i32
    %m0 = arith.constant 0xD2511F53 : i64
    %m1 = arith.constant 0xCD9E8D57 : i64
    %w0 = arith.constant 0x9E3779B9 : i32
    %w1 = arith.constant 0xBB67AE85 : i32
    // key = {seed, seed >> 32}
    %key0 = arith.trunci %seed : i64 to i32
    %seedHigh = arith.shrui %seed, %c32_i64 : i64
    %key1 = arith.trunci %seedHigh : i64 to i32
    // ctr = {counter, counter >> 32, entity,
    //        (entity >> 32) & 0xFF | (stream & 0xFFFF) << 8 | (sub & 0xFF) << 24}
    %ctr0 = arith.trunci %counter : i64 to i32
    %counterHigh = arith.shrui %counter, %c32_i64 : i64
    %ctr1 = arith.trunci %counterHigh : i64 to i32
    %ctr2 = arith.trunci %entity : i64 to i32
    %entityHigh64 = arith.shrui %entity, %c32_i64 : i64
    %entityHigh = arith.trunci %entityHigh64 : i64 to i32
    %entityBits = arith.andi %entityHigh, %c255_i32 : i32
    %streamMasked = arith.andi %stream, %c65535_i32 : i32
    %streamBits = arith.shli %streamMasked, %c8_i32 : i32
    %subMasked = arith.andi %sub, %c255_i32 : i32
    %subBits = arith.shli %subMasked, %c24_i32 : i32
    %entityStream = arith.ori %entityBits, %streamBits : i32
    %ctr3 = arith.ori %entityStream, %subBits : i32
    // Ten rounds; the key is bumped after each (before rounds 1..9).
    %lower = arith.constant 0 : index
    %upper = arith.constant 10 : index
    %one = arith.constant 1 : index
    %out:6 = scf.for %round = %lower to %upper step %one
        iter_args(%c0 = %ctr0, %c1 = %ctr1, %c2 = %ctr2, %c3 = %ctr3, %k0 = %key0, %k1 = %key1)
        -> (i32, i32, i32, i32, i32, i32) {
      %c0wide = arith.extui %c0 : i32 to i64
      %c2wide = arith.extui %c2 : i32 to i64
      %p0 = arith.muli %c0wide, %m0 : i64
      %p1 = arith.muli %c2wide, %m1 : i64
      %p0high64 = arith.shrui %p0, %c32_i64 : i64
      %p1high64 = arith.shrui %p1, %c32_i64 : i64
      %p0high = arith.trunci %p0high64 : i64 to i32
      %p1high = arith.trunci %p1high64 : i64 to i32
      %p0low = arith.trunci %p0 : i64 to i32
      %p1low = arith.trunci %p1 : i64 to i32
      %x0 = arith.xori %p1high, %c1 : i32
      %n0 = arith.xori %x0, %k0 : i32
      %x2 = arith.xori %p0high, %c3 : i32
      %n2 = arith.xori %x2, %k1 : i32
      %nk0 = arith.addi %k0, %w0 : i32
      %nk1 = arith.addi %k1, %w1 : i32
      scf.yield %n0, %p1low, %n2, %p0low, %nk0, %nk1 : i32, i32, i32, i32, i32, i32
    }
    return %out#0, %out#1, %out#2, %out#3 : i32, i32, i32, i32
  }

  // unit53: the top 53 bits of (hi << 32 | lo) as a double in [0, 1).
  func.func private @cajal_device_unit53(%lo: i32, %hi: i32) -> f64 {
    %c32_i64 = arith.constant 32 : i64
    %c11_i64 = arith.constant 11 : i64
    %scale = arith.constant 1.1102230246251565e-16 : f64 // 0x1p-53
    %hiWide = arith.extui %hi : i32 to i64
    %loWide = arith.extui %lo : i32 to i64
    %hiShifted = arith.shli %hiWide, %c32_i64 : i64
    %bits = arith.ori %hiShifted, %loWide : i64
    %top = arith.shrui %bits, %c11_i64 : i64
    %asDouble = arith.uitofp %top : i64 to f64
    %result = arith.mulf %asDouble, %scale : f64
    return %result : f64
  }

  // The two uniforms of block `sub` (UniformSource::nextPair).
  func.func private @cajal_device_uniform_pair(%seed: i64, %stream: i32, %entity: i64,
                                               %counter: i64, %sub: i32) -> (f64, f64) {
    %out:4 = func.call @cajal_device_random_block(%seed, %stream, %entity, %counter, %sub)
        : (i64, i32, i64, i64, i32) -> (i32, i32, i32, i32)
    %u = func.call @cajal_device_unit53(%out#0, %out#1) : (i32, i32) -> f64
    %v = func.call @cajal_device_unit53(%out#2, %out#3) : (i32, i32) -> f64
    return %u, %v : f64, f64
  }

  // cajal_uniform.
  func.func private @cajal_device_uniform(%seed: i64, %stream: i32, %entity: i64,
                                          %counter: i64) -> f64 {
    %sub = arith.constant 0 : i32
    %out:4 = func.call @cajal_device_random_block(%seed, %stream, %entity, %counter, %sub)
        : (i64, i32, i64, i64, i32) -> (i32, i32, i32, i32)
    %u = func.call @cajal_device_unit53(%out#0, %out#1) : (i32, i32) -> f64
    return %u : f64
  }

  // cajal_normal: Box-Muller, sqrt(-2 ln u1) cos(2 pi u2).
  func.func private @cajal_device_normal(%seed: i64, %stream: i32, %entity: i64,
                                         %counter: i64) -> f64 {
    %sub = arith.constant 0 : i32
    %one = arith.constant 1.0 : f64
    %minusTwo = arith.constant -2.0 : f64
    %twoPi = arith.constant 6.283185307179586 : f64 // 2.0 * Pi, folded as in C++
    %pair:2 = func.call @cajal_device_uniform_pair(%seed, %stream, %entity, %counter, %sub)
        : (i64, i32, i64, i64, i32) -> (f64, f64)
    %u1 = arith.subf %one, %pair#0 : f64
    %logU1 = math.log %u1 : f64
    %radius2 = arith.mulf %minusTwo, %logU1 : f64
    %radius = math.sqrt %radius2 : f64
    %angle = arith.mulf %twoPi, %pair#1 : f64
    %cosine = math.cos %angle : f64
    %result = arith.mulf %radius, %cosine : f64
    return %result : f64
  }

  // stirlingError: ln(n!) - ln(sqrt(2 pi n) (n/e)^n), a table below 16.
  func.func private @cajal_device_stirling_error(%n: f64) -> f64 {
    %c16 = arith.constant 16.0 : f64
    %small = arith.cmpf olt, %n, %c16 : f64
    %result = scf.if %small -> (f64) {
      %i = arith.fptosi %n : f64 to i32
      %index = arith.index_cast %i : i32 to index
      %entry = scf.index_switch %index -> f64
      case 1 {
        %t = arith.constant 0.081061466795327261 : f64
        scf.yield %t : f64
      }
      case 2 {
        %t = arith.constant 0.041340695955409297 : f64
        scf.yield %t : f64
      }
      case 3 {
        %t = arith.constant 0.027677925684998338 : f64
        scf.yield %t : f64
      }
      case 4 {
        %t = arith.constant 0.020790672103765093 : f64
        scf.yield %t : f64
      }
      case 5 {
        %t = arith.constant 0.016644691189821193 : f64
        scf.yield %t : f64
      }
      case 6 {
        %t = arith.constant 0.013876128823070748 : f64
        scf.yield %t : f64
      }
      case 7 {
        %t = arith.constant 0.01189670994589177 : f64
        scf.yield %t : f64
      }
      case 8 {
        %t = arith.constant 0.010411265261972096 : f64
        scf.yield %t : f64
      }
      case 9 {
        %t = arith.constant 0.0092554621827127329 : f64
        scf.yield %t : f64
      }
      case 10 {
        %t = arith.constant 0.0083305634333628708 : f64
        scf.yield %t : f64
      }
      case 11 {
        %t = arith.constant 0.0075736754879518406 : f64
        scf.yield %t : f64
      }
      case 12 {
        %t = arith.constant 0.0069428401072095299 : f64
        scf.yield %t : f64
      }
      case 13 {
        %t = arith.constant 0.0064089941880042071 : f64
        scf.yield %t : f64
      }
      case 14 {
        %t = arith.constant 0.0059513701127588475 : f64
        scf.yield %t : f64
      }
      case 15 {
        %t = arith.constant 0.0055547335519628011 : f64
        scf.yield %t : f64
      }
      default {
        // Entry 0 (unused by the samplers).
        %t = arith.constant 0.0 : f64
        scf.yield %t : f64
      }
      scf.yield %entry : f64
    } else {
      %s0 = arith.constant 0.08333333333333333 : f64 // 1.0 / 12
      %s1 = arith.constant 0.002777777777777778 : f64 // 1.0 / 360
      %s2 = arith.constant 0.0007936507936507937 : f64 // 1.0 / 1260
      %s3 = arith.constant 0.0005952380952380953 : f64 // 1.0 / 1680
      %s4 = arith.constant 0.0008417508417508417 : f64 // 1.0 / 1188
      %c500 = arith.constant 500.0 : f64
      %c80 = arith.constant 80.0 : f64
      %c35 = arith.constant 35.0 : f64
      %nn = arith.mulf %n, %n : f64
      %above500 = arith.cmpf ogt, %n, %c500 : f64
      %series = scf.if %above500 -> (f64) {
        // (S0 - S1 / nn) / n
        %a1 = arith.divf %s1, %nn : f64
        %a2 = arith.subf %s0, %a1 : f64
        %a3 = arith.divf %a2, %n : f64
        scf.yield %a3 : f64
      } else {
        %above80 = arith.cmpf ogt, %n, %c80 : f64
        %r80 = scf.if %above80 -> (f64) {
          // (S0 - (S1 - S2 / nn) / nn) / n
          %b1 = arith.divf %s2, %nn : f64
          %b2 = arith.subf %s1, %b1 : f64
          %b3 = arith.divf %b2, %nn : f64
          %b4 = arith.subf %s0, %b3 : f64
          %b5 = arith.divf %b4, %n : f64
          scf.yield %b5 : f64
        } else {
          %above35 = arith.cmpf ogt, %n, %c35 : f64
          %r35 = scf.if %above35 -> (f64) {
            // (S0 - (S1 - (S2 - S3 / nn) / nn) / nn) / n
            %d1 = arith.divf %s3, %nn : f64
            %d2 = arith.subf %s2, %d1 : f64
            %d3 = arith.divf %d2, %nn : f64
            %d4 = arith.subf %s1, %d3 : f64
            %d5 = arith.divf %d4, %nn : f64
            %d6 = arith.subf %s0, %d5 : f64
            %d7 = arith.divf %d6, %n : f64
            scf.yield %d7 : f64
          } else {
            // (S0 - (S1 - (S2 - (S3 - S4 / nn) / nn) / nn) / nn) / n
            %e1 = arith.divf %s4, %nn : f64
            %e2 = arith.subf %s3, %e1 : f64
            %e3 = arith.divf %e2, %nn : f64
            %e4 = arith.subf %s2, %e3 : f64
            %e5 = arith.divf %e4, %nn : f64
            %e6 = arith.subf %s1, %e5 : f64
            %e7 = arith.divf %e6, %nn : f64
            %e8 = arith.subf %s0, %e7 : f64
            %e9 = arith.divf %e8, %n : f64
            scf.yield %e9 : f64
          }
          scf.yield %r35 : f64
        }
        scf.yield %r80 : f64
      }
      scf.yield %series : f64
    }
    return %result : f64
  }

  // logFactorial: ln k! = (n - 0.5) ln n - n + ln(2 pi) / 2 + stirlingError(n)
  // with n = k + 1.
  func.func private @cajal_device_log_factorial(%k: f64) -> f64 {
    %one = arith.constant 1.0 : f64
    %half = arith.constant 0.5 : f64
    %halfLog2Pi = arith.constant 0.91893853320467274178 : f64
    %n = arith.addf %k, %one : f64
    %nMinusHalf = arith.subf %n, %half : f64
    %logN = math.log %n : f64
    %t1 = arith.mulf %nMinusHalf, %logN : f64
    %t2 = arith.subf %t1, %n : f64
    %t3 = arith.addf %t2, %halfLog2Pi : f64
    %stirling = func.call @cajal_device_stirling_error(%n) : (f64) -> f64
    %result = arith.addf %t3, %stirling : f64
    return %result : f64
  }

  // poissonInversion: sequential search of the CDF, one block per try.
  func.func private @cajal_device_poisson_inversion(%seed: i64, %stream: i32, %entity: i64,
                                                    %counter: i64, %mean: f64) -> i64 {
    %c15 = arith.constant 15.0 : f64
    %true = arith.constant true
    %false = arith.constant false
    %c0_i32 = arith.constant 0 : i32
    %c1_i32 = arith.constant 1 : i32
    %maxBlocks = arith.constant 256 : i32
    %c0_i64 = arith.constant 0 : i64
    %c1_i64 = arith.constant 1 : i64
    // bound = mean + 15 sqrt(mean) + 15
    %sqrtMean = math.sqrt %mean : f64
    %b1 = arith.mulf %c15, %sqrtMean : f64
    %b2 = arith.addf %mean, %b1 : f64
    %bound = arith.addf %b2, %c15 : f64
    %negMean = arith.negf %mean : f64
    %p0 = math.exp %negMean : f64
    %tries:3 = scf.while (%sub = %c0_i32, %found = %false, %value = %c0_i64)
        : (i32, i1, i64) -> (i32, i1, i64) {
      %left = arith.cmpi ult, %sub, %maxBlocks : i32
      %notFound = arith.xori %found, %true : i1
      %go = arith.andi %left, %notFound : i1
      scf.condition(%go) %sub, %found, %value : i32, i1, i64
    } do {
    ^bb0(%trySub: i32, %tryFound: i1, %tryValue: i64):
      %pair:2 = func.call @cajal_device_uniform_pair(%seed, %stream, %entity, %counter, %trySub)
          : (i64, i32, i64, i64, i32) -> (f64, f64)
      %search:3 = scf.while (%u = %pair#0, %p = %p0, %k = %c0_i64) : (f64, f64, i64) -> (f64, f64, i64) {
        %kd = arith.uitofp %k : i64 to f64
        %above = arith.cmpf ogt, %u, %p : f64
        %inside = arith.cmpf ole, %kd, %bound : f64
        %more = arith.andi %above, %inside : i1
        scf.condition(%more) %u, %p, %k : f64, f64, i64
      } do {
      ^bb0(%su: f64, %sp: f64, %sk: i64):
        %nu = arith.subf %su, %sp : f64
        %nk = arith.addi %sk, %c1_i64 : i64
        %nkd = arith.uitofp %nk : i64 to f64
        %ratio = arith.divf %mean, %nkd : f64
        %np = arith.mulf %sp, %ratio : f64
        scf.yield %nu, %np, %nk : f64, f64, i64
      }
      %kd = arith.uitofp %search#2 : i64 to f64
      %ok = arith.cmpf ole, %kd, %bound : f64
      %next = arith.addi %trySub, %c1_i32 : i32
      scf.yield %next, %ok, %search#2 : i32, i1, i64
    }
    %floorMean = math.floor %mean : f64
    %mode = arith.fptoui %floorMean : f64 to i64
    %result = arith.select %tries#1, %tries#2, %mode : i64
    return %result : i64
  }

  // poissonPTRS: Hoermann's transformed rejection with squeeze (mean >= 10).
  func.func private @cajal_device_poisson_ptrs(%seed: i64, %stream: i32, %entity: i64,
                                               %counter: i64, %mean: f64) -> i64 {
    %true = arith.constant true
    %false = arith.constant false
    %c0_i32 = arith.constant 0 : i32
    %c1_i32 = arith.constant 1 : i32
    %maxBlocks = arith.constant 256 : i32
    %c0_i64 = arith.constant 0 : i64
    %zero = arith.constant 0.0 : f64
    %half = arith.constant 0.5 : f64
    %two = arith.constant 2.0 : f64
    %c0_43 = arith.constant 0.43 : f64
    %c0_07 = arith.constant 0.07 : f64
    %c0_013 = arith.constant 0.013 : f64
    %sqrtMean = math.sqrt %mean : f64
    %logMean = math.log %mean : f64
    // b = 0.931 + 2.53 sqrtMean
    %cb0 = arith.constant 0.931 : f64
    %cb1 = arith.constant 2.53 : f64
    %b1 = arith.mulf %cb1, %sqrtMean : f64
    %b = arith.addf %cb0, %b1 : f64
    // a = -0.059 + 0.02483 b
    %ca0 = arith.constant -0.059 : f64
    %ca1 = arith.constant 0.02483 : f64
    %a1 = arith.mulf %ca1, %b : f64
    %a = arith.addf %ca0, %a1 : f64
    // logInvAlpha = log(1.1239 + 1.1328 / (b - 3.4))
    %cl0 = arith.constant 1.1239 : f64
    %cl1 = arith.constant 1.1328 : f64
    %cl2 = arith.constant 3.4 : f64
    %l1 = arith.subf %b, %cl2 : f64
    %l2 = arith.divf %cl1, %l1 : f64
    %l3 = arith.addf %cl0, %l2 : f64
    %logInvAlpha = math.log %l3 : f64
    // vr = 0.9277 - 3.6224 / (b - 2.0)
    %cv0 = arith.constant 0.9277 : f64
    %cv1 = arith.constant 3.6224 : f64
    %v1 = arith.subf %b, %two : f64
    %v2 = arith.divf %cv1, %v1 : f64
    %vr = arith.subf %cv0, %v2 : f64
    %twoA = arith.mulf %two, %a : f64
    %negMean = arith.negf %mean : f64
    %tries:3 = scf.while (%sub = %c0_i32, %found = %false, %value = %c0_i64)
        : (i32, i1, i64) -> (i32, i1, i64) {
      %left = arith.cmpi ult, %sub, %maxBlocks : i32
      %notFound = arith.xori %found, %true : i1
      %go = arith.andi %left, %notFound : i1
      scf.condition(%go) %sub, %found, %value : i32, i1, i64
    } do {
    ^bb0(%trySub: i32, %tryFound: i1, %tryValue: i64):
      %pair:2 = func.call @cajal_device_uniform_pair(%seed, %stream, %entity, %counter, %trySub)
          : (i64, i32, i64, i64, i32) -> (f64, f64)
      %u = arith.subf %pair#0, %half : f64
      %absU = math.absf %u : f64
      %us = arith.subf %half, %absU : f64
      // k = floor((2 a / us + b) u + mean + 0.43)
      %k1 = arith.divf %twoA, %us : f64
      %k2 = arith.addf %k1, %b : f64
      %k3 = arith.mulf %k2, %u : f64
      %k4 = arith.addf %k3, %mean : f64
      %k5 = arith.addf %k4, %c0_43 : f64
      %k = math.floor %k5 : f64
      %valid = arith.cmpf oge, %k, %zero : f64
      %accept = scf.if %valid -> (i1) {
        %wide = arith.cmpf oge, %us, %c0_07 : f64
        %low = arith.cmpf ole, %pair#1, %vr : f64
        %quick = arith.andi %wide, %low : i1
        %r1 = scf.if %quick -> (i1) {
          scf.yield %true : i1
        } else {
          %narrow = arith.cmpf olt, %us, %c0_013 : f64
          %high = arith.cmpf ogt, %pair#1, %us : f64
          %reject = arith.andi %narrow, %high : i1
          %r2 = scf.if %reject -> (i1) {
            scf.yield %false : i1
          } else {
            // log(v) + logInvAlpha - log(a / (us us) + b)
            //   <= -mean + k logMean - logFactorial(k)
            %logV = math.log %pair#1 : f64
            %lhs1 = arith.addf %logV, %logInvAlpha : f64
            %us2 = arith.mulf %us, %us : f64
            %q1 = arith.divf %a, %us2 : f64
            %q2 = arith.addf %q1, %b : f64
            %logQ = math.log %q2 : f64
            %lhs = arith.subf %lhs1, %logQ : f64
            %rhs1 = arith.mulf %k, %logMean : f64
            %rhs2 = arith.addf %negMean, %rhs1 : f64
            %logFact = func.call @cajal_device_log_factorial(%k) : (f64) -> f64
            %rhs = arith.subf %rhs2, %logFact : f64
            %test = arith.cmpf ole, %lhs, %rhs : f64
            scf.yield %test : i1
          }
          scf.yield %r2 : i1
        }
        scf.yield %r1 : i1
      } else {
        scf.yield %false : i1
      }
      %count = scf.if %accept -> (i64) {
        %kInt = arith.fptoui %k : f64 to i64
        scf.yield %kInt : i64
      } else {
        scf.yield %c0_i64 : i64
      }
      %next = arith.addi %trySub, %c1_i32 : i32
      scf.yield %next, %accept, %count : i32, i1, i64
    }
    %floorMean = math.floor %mean : f64
    %mode = arith.fptoui %floorMean : f64 to i64
    %result = arith.select %tries#1, %tries#2, %mode : i64
    return %result : i64
  }

  // binomialInversion: BINV for n p < 10, p <= 1/2.
  func.func private @cajal_device_binomial_inversion(%seed: i64, %stream: i32, %entity: i64,
                                                     %counter: i64, %count: i64, %p: f64) -> i64 {
    %c15 = arith.constant 15.0 : f64
    %one = arith.constant 1.0 : f64
    %true = arith.constant true
    %false = arith.constant false
    %c0_i32 = arith.constant 0 : i32
    %c1_i32 = arith.constant 1 : i32
    %maxBlocks = arith.constant 256 : i32
    %c0_i64 = arith.constant 0 : i64
    %c1_i64 = arith.constant 1 : i64
    %n = arith.uitofp %count : i64 to f64
    %q = arith.subf %one, %p : f64
    %s = arith.divf %p, %q : f64
    %n1 = arith.addf %n, %one : f64
    %a = arith.mulf %n1, %s : f64
    // r0 = exp(n log1p(-p))
    %negP = arith.negf %p : f64
    %log1pNegP = math.log1p %negP : f64
    %logR0 = arith.mulf %n, %log1pNegP : f64
    %r0 = math.exp %logR0 : f64
    %mean = arith.mulf %n, %p : f64
    // bound = fmin(n, mean + 15 sqrt(mean q + 1) + 15)
    %v1 = arith.mulf %mean, %q : f64
    %v2 = arith.addf %v1, %one : f64
    %v3 = math.sqrt %v2 : f64
    %v4 = arith.mulf %c15, %v3 : f64
    %v5 = arith.addf %mean, %v4 : f64
    %v6 = arith.addf %v5, %c15 : f64
    %bound = arith.minnumf %n, %v6 : f64
    %tries:3 = scf.while (%sub = %c0_i32, %found = %false, %value = %c0_i64)
        : (i32, i1, i64) -> (i32, i1, i64) {
      %left = arith.cmpi ult, %sub, %maxBlocks : i32
      %notFound = arith.xori %found, %true : i1
      %go = arith.andi %left, %notFound : i1
      scf.condition(%go) %sub, %found, %value : i32, i1, i64
    } do {
    ^bb0(%trySub: i32, %tryFound: i1, %tryValue: i64):
      %pair:2 = func.call @cajal_device_uniform_pair(%seed, %stream, %entity, %counter, %trySub)
          : (i64, i32, i64, i64, i32) -> (f64, f64)
      %search:3 = scf.while (%u = %pair#0, %r = %r0, %x = %c0_i64) : (f64, f64, i64) -> (f64, f64, i64) {
        %xd = arith.uitofp %x : i64 to f64
        %above = arith.cmpf ogt, %u, %r : f64
        %inside = arith.cmpf ole, %xd, %bound : f64
        %more = arith.andi %above, %inside : i1
        scf.condition(%more) %u, %r, %x : f64, f64, i64
      } do {
      ^bb0(%su: f64, %sr: f64, %sx: i64):
        // u -= r; ++x; r *= a / x - s
        %nu = arith.subf %su, %sr : f64
        %nx = arith.addi %sx, %c1_i64 : i64
        %nxd = arith.uitofp %nx : i64 to f64
        %f1 = arith.divf %a, %nxd : f64
        %f2 = arith.subf %f1, %s : f64
        %nr = arith.mulf %sr, %f2 : f64
        scf.yield %nu, %nr, %nx : f64, f64, i64
      }
      %xd = arith.uitofp %search#2 : i64 to f64
      %ok = arith.cmpf ole, %xd, %bound : f64
      %next = arith.addi %trySub, %c1_i32 : i32
      scf.yield %next, %ok, %search#2 : i32, i1, i64
    }
    %floorMean = math.floor %mean : f64
    %mode = arith.fptoui %floorMean : f64 to i64
    %result = arith.select %tries#1, %tries#2, %mode : i64
    return %result : i64
  }

  // binomialBTRS: Hoermann's transformed rejection with squeeze, log-space
  // acceptance with Stirling corrections (n p >= 10, p <= 1/2).
  func.func private @cajal_device_binomial_btrs(%seed: i64, %stream: i32, %entity: i64,
                                                %counter: i64, %count: i64, %p: f64) -> i64 {
    %true = arith.constant true
    %false = arith.constant false
    %c0_i32 = arith.constant 0 : i32
    %c1_i32 = arith.constant 1 : i32
    %maxBlocks = arith.constant 256 : i32
    %c0_i64 = arith.constant 0 : i64
    %zero = arith.constant 0.0 : f64
    %half = arith.constant 0.5 : f64
    %one = arith.constant 1.0 : f64
    %two = arith.constant 2.0 : f64
    %c0_07 = arith.constant 0.07 : f64
    %n = arith.uitofp %count : i64 to f64
    %oneMinusP = arith.subf %one, %p : f64
    // stddev = sqrt(n p (1 - p))
    %np = arith.mulf %n, %p : f64
    %var = arith.mulf %np, %oneMinusP : f64
    %stddev = math.sqrt %var : f64
    // b = 1.15 + 2.53 stddev
    %cb0 = arith.constant 1.15 : f64
    %cb1 = arith.constant 2.53 : f64
    %b1 = arith.mulf %cb1, %stddev : f64
    %b = arith.addf %cb0, %b1 : f64
    // a = -0.0873 + 0.0248 b + 0.01 p
    %ca0 = arith.constant -0.0873 : f64
    %ca1 = arith.constant 0.0248 : f64
    %ca2 = arith.constant 0.01 : f64
    %a1 = arith.mulf %ca1, %b : f64
    %a2 = arith.addf %ca0, %a1 : f64
    %a3 = arith.mulf %ca2, %p : f64
    %a = arith.addf %a2, %a3 : f64
    // c = n p + 0.5
    %c = arith.addf %np, %half : f64
    // vr = 0.92 - 4.2 / b
    %cv0 = arith.constant 0.92 : f64
    %cv1 = arith.constant 4.2 : f64
    %vr1 = arith.divf %cv1, %b : f64
    %vr = arith.subf %cv0, %vr1 : f64
    // r = p / (1 - p)
    %r = arith.divf %p, %oneMinusP : f64
    // alpha = (2.83 + 5.1 / b) stddev
    %cal0 = arith.constant 2.83 : f64
    %cal1 = arith.constant 5.1 : f64
    %al1 = arith.divf %cal1, %b : f64
    %al2 = arith.addf %cal0, %al1 : f64
    %alpha = arith.mulf %al2, %stddev : f64
    // m = floor((n + 1) p)
    %n1 = arith.addf %n, %one : f64
    %m1 = arith.mulf %n1, %p : f64
    %m = math.floor %m1 : f64
    // logModeTerm = (m + 0.5) log((m + 1) / (r (n - m + 1)))
    //             + stirlingError(m + 1) + stirlingError(n - m + 1)
    %mHalf = arith.addf %m, %half : f64
    %mOne = arith.addf %m, %one : f64
    %nMinusM = arith.subf %n, %m : f64
    %nMinusMOne = arith.addf %nMinusM, %one : f64
    %lm1 = arith.mulf %r, %nMinusMOne : f64
    %lm2 = arith.divf %mOne, %lm1 : f64
    %lm3 = math.log %lm2 : f64
    %lm4 = arith.mulf %mHalf, %lm3 : f64
    %seM = func.call @cajal_device_stirling_error(%mOne) : (f64) -> f64
    %lm5 = arith.addf %lm4, %seM : f64
    %seNM = func.call @cajal_device_stirling_error(%nMinusMOne) : (f64) -> f64
    %logModeTerm = arith.addf %lm5, %seNM : f64
    %twoA = arith.mulf %two, %a : f64
    %tries:3 = scf.while (%sub = %c0_i32, %found = %false, %value = %c0_i64)
        : (i32, i1, i64) -> (i32, i1, i64) {
      %left = arith.cmpi ult, %sub, %maxBlocks : i32
      %notFound = arith.xori %found, %true : i1
      %go = arith.andi %left, %notFound : i1
      scf.condition(%go) %sub, %found, %value : i32, i1, i64
    } do {
    ^bb0(%trySub: i32, %tryFound: i1, %tryValue: i64):
      %pair:2 = func.call @cajal_device_uniform_pair(%seed, %stream, %entity, %counter, %trySub)
          : (i64, i32, i64, i64, i32) -> (f64, f64)
      %u = arith.subf %pair#0, %half : f64
      %absU = math.absf %u : f64
      %us = arith.subf %half, %absU : f64
      // k = floor((2 a / us + b) u + c)
      %k1 = arith.divf %twoA, %us : f64
      %k2 = arith.addf %k1, %b : f64
      %k3 = arith.mulf %k2, %u : f64
      %k4 = arith.addf %k3, %c : f64
      %k = math.floor %k4 : f64
      %nonNegative = arith.cmpf oge, %k, %zero : f64
      %atMostN = arith.cmpf ole, %k, %n : f64
      %valid = arith.andi %nonNegative, %atMostN : i1
      %accept = scf.if %valid -> (i1) {
        %wide = arith.cmpf oge, %us, %c0_07 : f64
        %low = arith.cmpf ole, %pair#1, %vr : f64
        %quick = arith.andi %wide, %low : i1
        %r1 = scf.if %quick -> (i1) {
          scf.yield %true : i1
        } else {
          // logV = log(v alpha / (a / (us us) + b))
          %va = arith.mulf %pair#1, %alpha : f64
          %us2 = arith.mulf %us, %us : f64
          %q1 = arith.divf %a, %us2 : f64
          %q2 = arith.addf %q1, %b : f64
          %q3 = arith.divf %va, %q2 : f64
          %logV = math.log %q3 : f64
          // bound = logModeTerm + (n + 1) log((n - m + 1) / (n - k + 1))
          //       + (k + 0.5) log(r (n - k + 1) / (k + 1))
          //       - stirlingError(k + 1) - stirlingError(n - k + 1)
          %nMinusK = arith.subf %n, %k : f64
          %nMinusKOne = arith.addf %nMinusK, %one : f64
          %t1 = arith.divf %nMinusMOne, %nMinusKOne : f64
          %t2 = math.log %t1 : f64
          %t3 = arith.mulf %n1, %t2 : f64
          %kHalf = arith.addf %k, %half : f64
          %kOne = arith.addf %k, %one : f64
          %t4 = arith.mulf %r, %nMinusKOne : f64
          %t5 = arith.divf %t4, %kOne : f64
          %t6 = math.log %t5 : f64
          %t7 = arith.mulf %kHalf, %t6 : f64
          %seK = func.call @cajal_device_stirling_error(%kOne) : (f64) -> f64
          %seNK = func.call @cajal_device_stirling_error(%nMinusKOne) : (f64) -> f64
          %s1 = arith.addf %logModeTerm, %t3 : f64
          %s2 = arith.addf %s1, %t7 : f64
          %s3 = arith.subf %s2, %seK : f64
          %bound = arith.subf %s3, %seNK : f64
          %test = arith.cmpf ole, %logV, %bound : f64
          scf.yield %test : i1
        }
        scf.yield %r1 : i1
      } else {
        scf.yield %false : i1
      }
      %result = scf.if %accept -> (i64) {
        %kInt = arith.fptoui %k : f64 to i64
        scf.yield %kInt : i64
      } else {
        scf.yield %c0_i64 : i64
      }
      %next = arith.addi %trySub, %c1_i32 : i32
      scf.yield %next, %accept, %result : i32, i1, i64
    }
    %mode = arith.fptoui %m : f64 to i64
    %result = arith.select %tries#1, %tries#2, %mode : i64
    return %result : i64
  }

  // cajal_binomial.
  func.func private @cajal_device_binomial(%seed: i64, %stream: i32, %entity: i64,
                                           %counter: i64, %count: i64, %p: f64) -> i64 {
    %true = arith.constant true
    %c0_i64 = arith.constant 0 : i64
    %zero = arith.constant 0.0 : f64
    %half = arith.constant 0.5 : f64
    %one = arith.constant 1.0 : f64
    %limit = arith.constant 10.0 : f64 // CAJAL_BINOMIAL_INVERSION_LIMIT
    %noTrials = arith.cmpi eq, %count, %c0_i64 : i64
    %positive = arith.cmpf ogt, %p, %zero : f64
    %notPositive = arith.xori %positive, %true : i1
    %trivial = arith.ori %noTrials, %notPositive : i1
    %result = scf.if %trivial -> (i64) {
      scf.yield %c0_i64 : i64
    } else {
      %certain = arith.cmpf oge, %p, %one : f64
      %draw = scf.if %certain -> (i64) {
        scf.yield %count : i64
      } else {
        %flip = arith.cmpf ogt, %p, %half : f64
        %q = arith.subf %one, %p : f64
        %pp = arith.select %flip, %q, %p : f64
        %n = arith.uitofp %count : i64 to f64
        %np = arith.mulf %n, %pp : f64
        %small = arith.cmpf olt, %np, %limit : f64
        %x = scf.if %small -> (i64) {
          %xi = func.call @cajal_device_binomial_inversion(%seed, %stream, %entity, %counter, %count, %pp)
              : (i64, i32, i64, i64, i64, f64) -> i64
          scf.yield %xi : i64
        } else {
          %xb = func.call @cajal_device_binomial_btrs(%seed, %stream, %entity, %counter, %count, %pp)
              : (i64, i32, i64, i64, i64, f64) -> i64
          scf.yield %xb : i64
        }
        %flipped = arith.subi %count, %x : i64
        %chosen = arith.select %flip, %flipped, %x : i64
        scf.yield %chosen : i64
      }
      scf.yield %draw : i64
    }
    return %result : i64
  }

  // cajal_poisson.
  func.func private @cajal_device_poisson(%seed: i64, %stream: i32, %entity: i64,
                                          %counter: i64, %mean: f64) -> i64 {
    %true = arith.constant true
    %c0_i64 = arith.constant 0 : i64
    %allOnes = arith.constant -1 : i64 // UINT64_MAX
    %zero = arith.constant 0.0 : f64
    %twoTo52 = arith.constant 4503599627370496.0 : f64 // 0x1p52
    %twoTo64 = arith.constant 0x43F0000000000000 : f64 // 0x1p64
    %limit = arith.constant 10.0 : f64 // CAJAL_POISSON_INVERSION_LIMIT
    %positive = arith.cmpf ogt, %mean, %zero : f64
    %result = scf.if %positive -> (i64) {
      %exact = arith.cmpf olt, %mean, %twoTo52 : f64
      %draw = scf.if %exact -> (i64) {
        %small = arith.cmpf olt, %mean, %limit : f64
        %k = scf.if %small -> (i64) {
          %ki = func.call @cajal_device_poisson_inversion(%seed, %stream, %entity, %counter, %mean)
              : (i64, i32, i64, i64, f64) -> i64
          scf.yield %ki : i64
        } else {
          %kp = func.call @cajal_device_poisson_ptrs(%seed, %stream, %entity, %counter, %mean)
              : (i64, i32, i64, i64, f64) -> i64
          scf.yield %kp : i64
        }
        scf.yield %k : i64
      } else {
        // round(mean + sqrt(mean) normal), saturated to [0, UINT64_MAX].
        %normal = func.call @cajal_device_normal(%seed, %stream, %entity, %counter)
            : (i64, i32, i64, i64) -> f64
        %sqrtMean = math.sqrt %mean : f64
        %spread = arith.mulf %sqrtMean, %normal : f64
        %sum = arith.addf %mean, %spread : f64
        %x = math.round %sum : f64
        %huge = arith.cmpf oge, %x, %twoTo64 : f64
        %k = scf.if %huge -> (i64) {
          scf.yield %allOnes : i64
        } else {
          %clamped = arith.maxnumf %x, %zero : f64
          %kc = arith.fptoui %clamped : f64 to i64
          scf.yield %kc : i64
        }
        scf.yield %k : i64
      }
      scf.yield %draw : i64
    } else {
      scf.yield %c0_i64 : i64
    }
    return %result : i64
  }

  // cajal_sim_random with sim->Seed == %seed. Distribution codes as
  // cajal_distribution in runtime/include/cajal/Runtime/Simulation.h.
  func.func @cajal_device_random(%seed: i64, %distribution: i32, %stream: i32, %entity: i64,
                                 %counter: i64, %a: f64, %b: f64, %c: f64, %d: f64) -> f64 {
    %code = arith.index_cast %distribution : i32 to index
    %result = scf.index_switch %code -> f64
    case 0 {
      // CAJAL_DIST_UNIFORM01
      %u = func.call @cajal_device_uniform(%seed, %stream, %entity, %counter)
          : (i64, i32, i64, i64) -> f64
      scf.yield %u : f64
    }
    case 1 {
      // CAJAL_DIST_NORMAL01
      %z = func.call @cajal_device_normal(%seed, %stream, %entity, %counter)
          : (i64, i32, i64, i64) -> f64
      scf.yield %z : f64
    }
    case 2 {
      // CAJAL_DIST_UNIFORM: a + (b - a) u
      %u = func.call @cajal_device_uniform(%seed, %stream, %entity, %counter)
          : (i64, i32, i64, i64) -> f64
      %width = arith.subf %b, %a : f64
      %offset = arith.mulf %width, %u : f64
      %x = arith.addf %a, %offset : f64
      scf.yield %x : f64
    }
    case 3 {
      // CAJAL_DIST_NORMAL: a + b z
      %z = func.call @cajal_device_normal(%seed, %stream, %entity, %counter)
          : (i64, i32, i64, i64) -> f64
      %offset = arith.mulf %b, %z : f64
      %x = arith.addf %a, %offset : f64
      scf.yield %x : f64
    }
    case 4 {
      // CAJAL_DIST_CLIPPED_NORMAL: a + b z redrawn (counter + k 2^48) until
      // in [c, d], at most 1000 times; then the last draw is clamped.
      %true = arith.constant true
      %false = arith.constant false
      %c0_i32 = arith.constant 0 : i32
      %c1_i32 = arith.constant 1 : i32
      %maxTries = arith.constant 1000 : i32
      %stride = arith.constant 281474976710656 : i64 // 1 << 48
      %tries:3 = scf.while (%k = %c0_i32, %found = %false, %x = %a) : (i32, i1, f64) -> (i32, i1, f64) {
        %left = arith.cmpi slt, %k, %maxTries : i32
        %notFound = arith.xori %found, %true : i1
        %go = arith.andi %left, %notFound : i1
        scf.condition(%go) %k, %found, %x : i32, i1, f64
      } do {
      ^bb0(%tryK: i32, %tryFound: i1, %tryX: f64):
        %kWide = arith.extui %tryK : i32 to i64
        %shift = arith.muli %kWide, %stride : i64
        %drawCounter = arith.addi %counter, %shift : i64
        %z = func.call @cajal_device_normal(%seed, %stream, %entity, %drawCounter)
            : (i64, i32, i64, i64) -> f64
        %offset = arith.mulf %b, %z : f64
        %nx = arith.addf %a, %offset : f64
        %aboveC = arith.cmpf oge, %nx, %c : f64
        %belowD = arith.cmpf ole, %nx, %d : f64
        %inside = arith.andi %aboveC, %belowD : i1
        %nk = arith.addi %tryK, %c1_i32 : i32
        scf.yield %nk, %inside, %nx : i32, i1, f64
      }
      // std::min(std::max(x, c), d)
      %lessC = arith.cmpf olt, %tries#2, %c : f64
      %maxXC = arith.select %lessC, %c, %tries#2 : f64
      %dLess = arith.cmpf olt, %d, %maxXC : f64
      %clamped = arith.select %dLess, %d, %maxXC : f64
      %x = arith.select %tries#1, %tries#2, %clamped : f64
      scf.yield %x : f64
    }
    case 5 {
      // CAJAL_DIST_EXPONENTIAL: -a log1p(-u)
      %u = func.call @cajal_device_uniform(%seed, %stream, %entity, %counter)
          : (i64, i32, i64, i64) -> f64
      %negA = arith.negf %a : f64
      %negU = arith.negf %u : f64
      %log = math.log1p %negU : f64
      %x = arith.mulf %negA, %log : f64
      scf.yield %x : f64
    }
    case 6 {
      // CAJAL_DIST_POISSON: mean a
      %k = func.call @cajal_device_poisson(%seed, %stream, %entity, %counter, %a)
          : (i64, i32, i64, i64, f64) -> i64
      %x = arith.uitofp %k : i64 to f64
      scf.yield %x : f64
    }
    case 7 {
      // CAJAL_DIST_BINOMIAL: n = a as a count (NaN and a <= 0 give 0, a >=
      // 2^64 saturates), p = b.
      %c0_i64 = arith.constant 0 : i64
      %allOnes = arith.constant -1 : i64 // UINT64_MAX
      %zero = arith.constant 0.0 : f64
      %twoTo64 = arith.constant 0x43F0000000000000 : f64 // 0x1p64
      %positive = arith.cmpf ogt, %a, %zero : f64
      %count = scf.if %positive -> (i64) {
        %huge = arith.cmpf oge, %a, %twoTo64 : f64
        %n = scf.if %huge -> (i64) {
          scf.yield %allOnes : i64
        } else {
          %trials = arith.fptoui %a : f64 to i64
          scf.yield %trials : i64
        }
        scf.yield %n : i64
      } else {
        scf.yield %c0_i64 : i64
      }
      %k = func.call @cajal_device_binomial(%seed, %stream, %entity, %counter, %count, %b)
          : (i64, i32, i64, i64, i64, f64) -> i64
      %x = arith.uitofp %k : i64 to f64
      scf.yield %x : f64
    }
    default {
      %nan = arith.constant 0x7FF8000000000000 : f64 // quiet NaN
      scf.yield %nan : f64
    }
    return %result : f64
  }
}
