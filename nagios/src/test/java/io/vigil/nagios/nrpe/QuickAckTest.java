package io.vigil.nagios.nrpe;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioChannelOption;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import jdk.net.ExtendedSocketOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What {@link QuickAck} does to a real loopback socket, read back from the kernel, with no timing:
 * Linux reports TCP_QUICKACK as "not in delayed-ACK (pingpong) mode". Each read first puts the
 * socket in pingpong mode, as the kernel does once the server has answered (the state in which
 * BoringSSL's connections held the ACK of check_nrpe's Finished for 40 ms); what the handlers after
 * the read see then tells whether QuickAck took the socket out of it. Without this test, breaking
 * QuickAck would only make every TLS check ~40 ms slower, which only the benchmark shows.
 */
class QuickAckTest {

  private static final ChannelOption<Boolean> QUICKACK = NioChannelOption.of(ExtendedSocketOptions.TCP_QUICKACK);

  private EventLoopGroup group;

  @BeforeEach
  void start() {
    group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  }

  @AfterEach
  void stop() {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  @Test
  void afterARead_theSocketAcknowledgesAtOnce() throws Exception {
    assertThat(quickAckSeenAfterARead(true)).isTrue();
  }

  @Test
  void control_withoutTheHandler_theSocketStaysInDelayedAckMode() throws Exception {
    // proves the kernel reports the mode, so that the test above can fail
    assertThat(quickAckSeenAfterARead(false)).isFalse();
  }

  @Test
  void boringSslPipelines_haveIt_beforeTls_andJssePipelinesDoNot() throws IOException {
    TestCa ca = TestCa.get();
    TlsContexts boringSsl = TlsContexts.forServer(NrpeServerConfig.builder().tls(ca.serverKeyPem()).build());
    TlsContexts jsse = TlsContexts.forServer(NrpeServerConfig.builder()
        .tlsWithClientCertificates(ca.serverKeyPem(), ca.caPem()).build());

    assertThat(pipelineNames(boringSsl)).startsWith(boringSsl.isOpenSsl()
        ? new String[] {"quick-ack", "tls-guard", "tls"} : new String[] {"tls-guard", "tls"});
    assertThat(pipelineNames(jsse)).startsWith("tls-guard", "tls").doesNotContain("quick-ack");
  }

  private static String[] pipelineNames(TlsContexts tls) {
    EmbeddedChannel channel = new EmbeddedChannel();
    try {
      NrpeChannelInitializer.addTls(channel.pipeline(), tls,
          new ConnectionOutcome(new ServerCounters(), null, channel.remoteAddress()));
      return channel.pipeline().names().toArray(String[]::new);
    } finally {
      channel.finishAndReleaseAll();
    }
  }

  private boolean quickAckSeenAfterARead(boolean withQuickAck) throws Exception {
    CompletableFuture<Boolean> seen = new CompletableFuture<>();
    Channel server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel channel) {
            channel.pipeline().addLast(new ChannelInboundHandlerAdapter() {
              @Override
              public void channelRead(ChannelHandlerContext ctx, Object msg) {
                ctx.channel().config().setOption(QUICKACK, Boolean.FALSE); // enter pingpong mode
                ctx.fireChannelRead(msg);
              }
            });
            if (withQuickAck) {
              channel.pipeline().addLast(QuickAck.INSTANCE);
            }
            channel.pipeline().addLast(new ChannelInboundHandlerAdapter() {
              @Override
              public void channelRead(ChannelHandlerContext ctx, Object msg) {
                ReferenceCountUtil.release(msg);
                seen.complete(ctx.channel().config().getOption(QUICKACK));
              }
            });
          }
        })
        .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sync().channel();
    try (Socket client = new Socket(InetAddress.getLoopbackAddress(), ((InetSocketAddress) server.localAddress()).getPort())) {
      client.getOutputStream().write(new byte[] {1, 2, 3});
      client.getOutputStream().flush();
      return seen.get(10, TimeUnit.SECONDS);
    } catch (IOException e) {
      throw new AssertionError(e);
    } finally {
      server.close().sync();
    }
  }
}
