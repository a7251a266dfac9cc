package io.vigil.controlplane.agent.runtime;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.compression.StandardCompressionOptions;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContentCompressor;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.timeout.ReadTimeoutHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's HTTP side on plain Netty, without the Micronaut application: {@code /health},
 * {@code /health/liveness} and {@code /health/readiness} (200 with {@code "status":"UP"}, 503 when
 * DOWN, as Micronaut's health endpoint answers), and {@code /metrics} in the Prometheus text format
 * 0.0.4, or OpenMetrics when {@code Accept} asks for it (client_java's own negotiation, as
 * {@code vigil run}'s controller), gzip when {@code Accept-Encoding} allows and the body is over 1 KiB.
 * One event loop thread, not a daemon: it keeps the agent's JVM alive until shutdown closes it.
 */
final class AgentHttp implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(AgentHttp.class);
  /** As {@code micronaut.server.netty.compression-threshold} in application.yml. */
  private static final int COMPRESSION_THRESHOLD = 1024;
  private static final int MAX_REQUEST_LINE = 4096;
  private static final int MAX_HEADERS = 8192;
  private static final int READ_TIMEOUT_SECONDS = 30;

  private final EventLoopGroup group;
  private final Channel channel;

  private AgentHttp(EventLoopGroup group, Channel channel) {
    this.group = group;
    this.channel = channel;
  }

  /** The health the endpoints report: the agent's, whole. */
  interface Health {
    boolean up();

    /** JSON object members for {@code /health}'s details, e.g. {@code "host":"db1","probes":3}. */
    String details();
  }

  /**
   * Binds and starts serving.
   *
   * @throws IOException naming the address when it cannot be bound
   */
  static AgentHttp start(HttpListen listen, PrometheusRegistry registry, Health health) throws IOException {
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("vigil-http", false),
        NioIoHandler.newFactory());
    ExpositionFormats formats = ExpositionFormats.init();
    ServerBootstrap bootstrap = new ServerBootstrap()
        .group(group)
        .channel(NioServerSocketChannel.class)
        .option(ChannelOption.SO_REUSEADDR, true)
        .option(ChannelOption.ALLOCATOR, UnpooledByteBufAllocator.DEFAULT)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childOption(ChannelOption.ALLOCATOR, UnpooledByteBufAllocator.DEFAULT)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            ch.pipeline().addLast(new ReadTimeoutHandler(READ_TIMEOUT_SECONDS, TimeUnit.SECONDS))
                .addLast(new HttpServerCodec(MAX_REQUEST_LINE, MAX_HEADERS, 8192))
                .addLast(new HttpContentCompressor(COMPRESSION_THRESHOLD, StandardCompressionOptions.gzip(),
                    StandardCompressionOptions.deflate()))
                .addLast(new Endpoints(formats, registry, health));
          }
        });
    ChannelFuture bound = bootstrap.bind(listen.host(), listen.port()).awaitUninterruptibly();
    if (!bound.isSuccess()) {
      group.shutdownGracefully(0, 0, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
      throw new IOException("cannot listen for HTTP on " + listen.host() + ":" + listen.port() + ": "
          + bound.cause().getMessage(), bound.cause());
    }
    return new AgentHttp(group, bound.channel());
  }

  InetSocketAddress localAddress() {
    return (InetSocketAddress) channel.localAddress();
  }

  @Override
  public void close() {
    channel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
  }

  /** Routes one request at a time per connection; request bodies are ignored (all routes are GET). */
  private static final class Endpoints extends SimpleChannelInboundHandler<HttpObject> {

    private final ExpositionFormats formats;
    private final PrometheusRegistry registry;
    private final Health health;

    Endpoints(ExpositionFormats formats, PrometheusRegistry registry, Health health) {
      this.formats = formats;
      this.registry = registry;
      this.health = health;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
      if (!(msg instanceof HttpRequest request)) {
        return; // content of a request: nothing here reads a body
      }
      if (request.decoderResult().isFailure()) {
        respond(ctx, request, text(HttpResponseStatus.BAD_REQUEST, "bad request\n"), false);
        return;
      }
      boolean head = request.method().equals(HttpMethod.HEAD);
      if (!head && !request.method().equals(HttpMethod.GET)) {
        FullHttpResponse response = text(HttpResponseStatus.METHOD_NOT_ALLOWED, "method not allowed\n");
        response.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
        respond(ctx, request, response, head);
        return;
      }
      String path = new QueryStringDecoder(request.uri()).path();
      FullHttpResponse response = switch (path) {
        case "/metrics" -> scrape(request.headers().get(HttpHeaderNames.ACCEPT, ""));
        case "/health" -> health(true);
        case "/health/liveness" -> json(HttpResponseStatus.OK, "{\"name\":\"vigil\",\"status\":\"UP\"}");
        case "/health/readiness" -> health(false);
        default -> text(HttpResponseStatus.NOT_FOUND, "not found\n");
      };
      respond(ctx, request, response, head);
    }

    private FullHttpResponse scrape(String accept) {
      ExpositionFormatWriter writer = formats.findWriter(accept);
      ByteBuf body = Unpooled.buffer(16 * 1024);
      try (ByteBufOutputStream out = new ByteBufOutputStream(body)) {
        writer.write(out, registry.scrape());
      } catch (IOException | RuntimeException e) {
        body.release();
        LOG.warn("/metrics: {}", e.toString());
        return text(HttpResponseStatus.INTERNAL_SERVER_ERROR, "scrape failed\n");
      }
      FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, body);
      response.headers().set(HttpHeaderNames.CONTENT_TYPE, writer.getContentType());
      return response;
    }

    private FullHttpResponse health(boolean details) {
      boolean up = health.up();
      String status = up ? "UP" : "DOWN";
      String body = details
          ? "{\"name\":\"vigil\",\"status\":\"" + status + "\",\"details\":{\"agent\":{\"name\":\"vigil\",\"status\":\""
              + status + "\",\"details\":{" + health.details() + "}}}}"
          : "{\"name\":\"vigil\",\"status\":\"" + status + "\"}";
      return json(up ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE, body);
    }

    private static FullHttpResponse json(HttpResponseStatus status, String body) {
      FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
          Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
      response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
      return response;
    }

    private static FullHttpResponse text(HttpResponseStatus status, String body) {
      FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
          Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
      response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
      return response;
    }

    private static void respond(ChannelHandlerContext ctx, HttpRequest request, FullHttpResponse response,
        boolean head) {
      HttpUtil.setContentLength(response, response.content().readableBytes());
      if (head) {
        response.content().clear();
      }
      boolean keepAlive = HttpUtil.isKeepAlive(request) && !request.decoderResult().isFailure();
      HttpUtil.setKeepAlive(response, keepAlive);
      ChannelFuture written = ctx.writeAndFlush(response);
      if (!keepAlive) {
        written.addListener(ChannelFutureListener.CLOSE);
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      // a read timeout or a reset connection: nothing to answer, nobody to tell
      LOG.debug("HTTP connection {}: {}", ctx.channel().remoteAddress(), cause.toString());
      ctx.close();
    }
  }
}
